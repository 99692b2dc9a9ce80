package xraydaemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"lookout/internal/store"
)

// EncryptionKind is the kind of the document the encryption configuration
// is stored as (name "config"), one per project.
const EncryptionKind = "xray.encryption-config"

// Encryption types, as X-Ray names them.
const (
	EncryptionNone = "NONE"
	EncryptionKMS  = "KMS"
)

// EncryptionConfig is what PutEncryptionConfig set. Lookout keeps it and
// answers it; its data is not encrypted with the key.
type EncryptionConfig struct {
	Type  string `json:"Type"`
	KeyID string `json:"KeyId,omitempty"`
}

// Encryption keeps each project's encryption configuration in a document
// store.
type Encryption struct{ docs store.Documents }

// NewEncryption keeps the configurations in docs.
func NewEncryption(docs store.Documents) (*Encryption, error) {
	if docs == nil {
		return nil, errors.New("x-ray encryption config: nil document store")
	}
	return &Encryption{docs: docs}, nil
}

// Get returns project's configuration: Type NONE until one is put.
func (e *Encryption) Get(ctx context.Context, project string) (EncryptionConfig, error) {
	d, err := e.docs.Document(ctx, project, EncryptionKind, "config")
	if errors.Is(err, store.ErrNotFound) {
		return EncryptionConfig{Type: EncryptionNone}, nil
	}
	if err != nil {
		return EncryptionConfig{}, err
	}
	var c EncryptionConfig
	if err := json.Unmarshal(d.Body, &c); err != nil {
		return EncryptionConfig{}, fmt.Errorf("x-ray encryption config of %q: %w", project, err)
	}
	return c, nil
}

// Put stores c, which the caller has checked, as project's configuration
// and returns it once durable.
func (e *Encryption) Put(ctx context.Context, project string, c EncryptionConfig) (EncryptionConfig, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return EncryptionConfig{}, err
	}
	_, err = e.docs.PutDocument(ctx, store.Document{Project: project, Kind: EncryptionKind, Name: "config", Body: body}, store.AnyVersion)
	return c, err
}
