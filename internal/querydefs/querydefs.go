// Package querydefs keeps saved queries of each project as versioned
// documents of the metadata store (store.Documents), so that they need no
// schema of their own: Logs Insights queries (CloudWatch Logs' query
// definitions, kind Kind) and the web UI's saved queries (kind UIKind). It decides ids, idempotent creation, the per-project limit
// and the listing order; it knows no wire protocol.
package querydefs

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"lookout/internal/store"
)

// Kind is the kind of the documents CloudWatch Logs query definitions are
// stored as.
const Kind = "cwlogs.query-definition"

// UIKind is the kind of the documents the web UI's saved queries are
// stored as (NewOfKind): a page's address in QueryString.
const UIKind = "ui.saved-query"

// MaxPerProject is how many definitions a project keeps, as the service
// allows per account and region.
const MaxPerProject = 1000

// Errors of the service's own.
var (
	ErrNotFound = errors.New("query definition not found")
	ErrTooMany  = errors.New("too many query definitions")
)

// Parameter is a placeholder of a saved query.
type Parameter struct {
	Name         string  `json:"name"`
	DefaultValue *string `json:"defaultValue,omitempty"`
	Description  *string `json:"description,omitempty"`
}

// Definition is a saved query.
type Definition struct {
	ID             string      `json:"queryDefinitionId"`
	Name           string      `json:"name"`
	QueryString    string      `json:"queryString"`
	QueryLanguage  string      `json:"queryLanguage"`
	LogGroupNames  []string    `json:"logGroupNames,omitempty"`
	Parameters     []Parameter `json:"parameters,omitempty"`
	LastModifiedMs int64       `json:"lastModified"`
	// ClientToken is the idempotency token of the call that created it.
	ClientToken string `json:"clientToken,omitempty"`
}

// Service keeps the definitions. It is safe for concurrent use.
type Service struct {
	docs store.Documents
	kind string
	now  func() time.Time
	max  int // definitions per project
}

// New keeps CloudWatch Logs query definitions (Kind) in docs; now nil is
// time.Now.
func New(docs store.Documents, now func() time.Time) *Service {
	return NewOfKind(docs, Kind, now)
}

// NewOfKind keeps definitions as documents of kind in docs; now nil is
// time.Now.
func NewOfKind(docs store.Documents, kind string, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{docs: docs, kind: kind, now: now, max: MaxPerProject}
}

// Put creates d when d.ID is empty (a new id; a second create with the
// same non-empty ClientToken returns the first one's id) or replaces the
// definition d.ID (ErrNotFound when there is none). It returns the id.
func (s *Service) Put(ctx context.Context, project string, d Definition) (string, error) {
	d.LastModifiedMs = s.now().UnixMilli()
	ifVersion := store.AnyVersion
	if d.ID == "" {
		all, err := s.List(ctx, project)
		if err != nil {
			return "", err
		}
		if d.ClientToken != "" {
			if i := slices.IndexFunc(all, func(x Definition) bool { return x.ClientToken == d.ClientToken }); i >= 0 {
				return all[i].ID, nil
			}
		}
		if len(all) >= s.max {
			return "", ErrTooMany
		}
		d.ID, ifVersion = uuid.NewString(), 0
	} else {
		old, err := s.docs.Document(ctx, project, s.kind, d.ID)
		if errors.Is(err, store.ErrNotFound) {
			return "", ErrNotFound
		} else if err != nil {
			return "", err
		}
		ifVersion = old.Version
		var prev Definition
		if json.Unmarshal(old.Body, &prev) == nil {
			d.ClientToken = prev.ClientToken
		}
	}
	body, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	_, err = s.docs.PutDocument(ctx, store.Document{Project: project, Kind: s.kind, Name: d.ID, Body: body}, ifVersion)
	return d.ID, err
}

// List returns the definitions of a project sorted by name, then id.
func (s *Service) List(ctx context.Context, project string) ([]Definition, error) {
	docs, err := s.docs.Documents(ctx, project, s.kind)
	if err != nil {
		return nil, err
	}
	out := make([]Definition, 0, len(docs))
	for _, doc := range docs {
		var d Definition
		if err := json.Unmarshal(doc.Body, &d); err != nil {
			continue // not one of ours: never written by Put
		}
		d.ID = doc.Name
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Definition) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Delete removes a definition; ErrNotFound when there is none.
func (s *Service) Delete(ctx context.Context, project, id string) error {
	err := s.docs.DeleteDocument(ctx, project, s.kind, id, store.AnyVersion)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}
