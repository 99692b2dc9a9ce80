// Package rollbar speaks Rollbar's API: it ingests error reports sent by the
// official notifiers to POST /api/1/item/ and serves Rollbar's read API
// (items, instances, PATCH of an item), plus Lookout's own JSON routes that
// link errors to traces and manage projects and tokens. It translates the
// wire protocol only: grouping and lifecycle rules are package errortrack's,
// storage is the Store's.
package rollbar

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"lookout/internal/store"
)

// Store is what the receiver needs from the metadata store.
type Store interface {
	store.ErrorWriter
	store.ErrorReader
	store.ProjectStore
}

// Receiver is safe for concurrent use. Build it with New, mount it with
// Register and stop it with Close.
type Receiver struct {
	cfg   Config
	store Store
	log   *slog.Logger
	now   func() time.Time
	w     *writer
	scrub *scrubber

	haveTokens    atomic.Bool  // once true, stays true: tokens are never deleted
	recheckTokens atomic.Int64 // unix nanos: when to count tokens again
	tokens        sync.Map     // hash → model.AccessToken
	openOnce      sync.Once
}

// New builds the receiver and starts its single writer, which commits
// occurrences in batches (one transaction each) until Close.
func New(cfg Config, st Store) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("rollbar: store is nil")
	}
	r := &Receiver{cfg: cfg, store: st, log: cfg.Logger, now: cfg.Now, scrub: newScrubber(cfg.ScrubFields)}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.log = r.log.With("component", "rollbar")
	if r.now == nil {
		r.now = time.Now
	}
	n, err := st.TokenCount(context.Background())
	if err != nil {
		return nil, fmt.Errorf("rollbar: %w", err)
	}
	r.haveTokens.Store(n > 0)
	r.w = newWriter(cfg, st, r.log, r.now)
	go r.w.run()
	return r, nil
}

// Close stops taking reports, commits every queued one and stops the
// writer. Call it after the HTTP server stopped and before the store closes.
func (r *Receiver) Close() error {
	r.w.close()
	return nil
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
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/1/item/{$}", r.postItem)
	mux.HandleFunc("POST /api/1/item", r.postItem)
	mux.HandleFunc("GET /api/1/items", r.read(r.listItems))
	mux.HandleFunc("GET /api/1/items/{$}", r.read(r.listItems))
	mux.HandleFunc("GET /api/1/item/{id}", r.read(r.getItem))
	mux.HandleFunc("PATCH /api/1/item/{id}", r.write(r.patchItem))
	mux.HandleFunc("GET /api/1/item_by_counter/{counter}", r.read(r.itemByCounter))
	mux.HandleFunc("GET /api/1/item/{id}/instances", r.read(r.listInstances))
	mux.HandleFunc("GET /api/1/instance/{id}", r.read(r.getInstance))
	mux.HandleFunc("GET /api/errors", r.traceErrors)
	mux.HandleFunc("POST /api/errors/projects", r.createProject)
	mux.HandleFunc("POST /api/errors/tokens", r.createToken)
}

// Handler serves the routes of Register on a mux of its own.
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	r.Register(mux)
	return mux
}
