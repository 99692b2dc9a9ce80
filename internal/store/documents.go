package store

import (
	"context"
	"errors"
	"time"
)

// Document is a versioned JSON document of configuration (an X-Ray sampling
// rule, say) that a feature owns: the store reads neither Kind nor Body, so
// features add kinds without a schema change.
type Document struct {
	Project string
	Kind    string // the owner's name for the shape of Body, e.g. "xray.sampling-rule"
	Name    string // unique within (Project, Kind)
	// Version is 1 when the document is created and one more at every put.
	Version   int64
	Body      []byte    // JSON
	UpdatedAt time.Time // set by the store at every put
}

// AnyVersion, passed as ifVersion, puts or deletes whatever version is stored.
const AnyVersion int64 = -1

// ErrVersionConflict is returned when the stored version of a document is not
// the one the caller said it changes.
var ErrVersionConflict = errors.New("version conflict")

// Documents keeps configuration documents. Writes are durable when they
// return.
type Documents interface {
	// PutDocument stores d.Body under (d.Project, d.Kind, d.Name) if the
	// stored version is ifVersion: 0 creates (ErrExists when there is one), a
	// positive version replaces exactly that version (ErrNotFound,
	// ErrVersionConflict), AnyVersion creates or replaces. It returns the
	// document as stored.
	PutDocument(ctx context.Context, d Document, ifVersion int64) (Document, error)
	// Document returns one document; ErrNotFound when there is none.
	Document(ctx context.Context, project, kind, name string) (Document, error)
	// Documents lists the documents of a kind, by name.
	Documents(ctx context.Context, project, kind string) ([]Document, error)
	// DeleteDocument removes a document if its version is ifVersion (a
	// positive version or AnyVersion): ErrNotFound, ErrVersionConflict.
	DeleteDocument(ctx context.Context, project, kind, name string, ifVersion int64) error
}
