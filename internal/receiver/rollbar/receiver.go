// Package rollbar speaks Rollbar's API: it ingests error reports sent by the
// official notifiers to POST /api/1/item/ and serves Rollbar's read API
// (items, instances, PATCH of an item), plus Lookout's own JSON routes that
// link errors to traces and manage projects and tokens. It translates the
// wire protocol only: grouping, item writes and lifecycle rules are package
// errortrack's, storage is the stores'.
package rollbar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// Ingest takes decoded reports; errortrack.Service implements it.
type Ingest interface {
	// Record groups occ by ev, commits it with its item and returns once
	// both are durable. pipeline.ErrOverloaded, pipeline.ErrClosed and a
	// low disk (pipeline.ErrNoSpace) refuse it at once; any other error is
	// a failed commit, retryable (pipeline.IsRetryable) when nothing was
	// stored.
	Record(ctx context.Context, occ *model.ErrorOccurrence, ev errortrack.Event) (store.Recorded, error)
	// Capacity is how many reports may wait for a commit.
	Capacity() int
}

// Editor applies a user's edit to an item; errortrack.Service implements
// it.
type Editor interface {
	// PatchItem returns the item as stored after the edit: an
	// *errortrack.InvalidPatchError when the edit breaks a rule (nothing
	// changed), store.ErrNotFound when the item does not exist.
	PatchItem(ctx context.Context, project string, id int64, p errortrack.Patch) (model.Item, error)
}

// Deps are what a Receiver talks to. Every field is required.
type Deps struct {
	Ingest   Ingest             // reports in
	Edit     Editor             // PATCH of an item
	Items    store.ErrorReader  // the read API
	Projects store.ProjectStore // projects and access tokens
}

// Receiver is safe for concurrent use. Build it with New and mount it
// with Register; it starts no goroutine.
type Receiver struct {
	cfg    Config
	ingest Ingest
	edit   Editor
	items  store.ErrorReader
	store  store.ProjectStore // tokens (auth.go) and projects
	log    *slog.Logger
	now    func() time.Time

	haveTokens    atomic.Bool  // once true, stays true: tokens are never deleted
	recheckTokens atomic.Int64 // unix nanos: when to count tokens again
	tokens        sync.Map     // hash → model.AccessToken
	openOnce      sync.Once
}

// New builds the receiver.
func New(cfg Config, d Deps) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Ingest == nil || d.Edit == nil || d.Items == nil || d.Projects == nil {
		return nil, errors.New("rollbar: ingest, editor, item reader and project store are required")
	}
	r := &Receiver{cfg: cfg, ingest: d.Ingest, edit: d.Edit, items: d.Items, store: d.Projects,
		log: cfg.Logger, now: cfg.Now}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.log = r.log.With("component", "rollbar")
	if r.now == nil {
		r.now = time.Now
	}
	n, err := d.Projects.TokenCount(context.Background())
	if err != nil {
		return nil, fmt.Errorf("rollbar: %w", err)
	}
	r.haveTokens.Store(n > 0)
	return r, nil
}

// Register mounts every route on mux (Rollbar shapes unless noted):
//
//	POST  /api/1/item/ (and /api/1/item)    report an occurrence
//	GET   /api/1/items (and /api/1/items/)  list items
//	GET   /api/1/item/{id}                  one item
//	PATCH /api/1/item/{id}                  edit status, level, title, resolved_in_version
//	GET   /api/1/item_by_counter/{counter}  301 to the item
//	GET   /api/1/item/{id}/instances        an item's occurrences
//	GET   /api/1/instance/{id}              one occurrence
//	GET   /api/errors?traceID=              Lookout JSON: the errors of a trace
//	POST  /api/errors/projects              Lookout JSON: create a project (loopback only)
//	POST  /api/errors/tokens                Lookout JSON: create a token (loopback only)
//
// As in Rollbar's API, every Rollbar path works with a trailing slash too;
// any other path under /api/1/ answers 404 in Rollbar's error shape.
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/1/item/{$}", r.postItem)
	mux.HandleFunc("POST /api/1/item", r.postItem)
	mux.HandleFunc("GET /api/1/items", r.read(r.listItems))
	mux.HandleFunc("GET /api/1/items/{$}", r.read(r.listItems))
	mux.HandleFunc("GET /api/1/item/{id}", r.read(r.getItem()))
	mux.HandleFunc("PATCH /api/1/item/{id}", r.write(r.patchItem()))
	mux.HandleFunc("GET /api/1/item_by_counter/{counter}", r.read(r.itemByCounter()))
	mux.HandleFunc("GET /api/1/item/{id}/instances", r.read(r.listInstances()))
	mux.HandleFunc("GET /api/1/instance/{id}", r.read(r.getInstance()))
	mux.HandleFunc("GET /api/errors", r.traceErrors)
	mux.HandleFunc("POST /api/errors/projects", r.createProject)
	mux.HandleFunc("POST /api/errors/tokens", r.createToken)
	mux.HandleFunc(apiPrefix, unmatched(mux))
}

// Handler serves the routes of Register on a mux of its own.
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	r.Register(mux)
	return mux
}
