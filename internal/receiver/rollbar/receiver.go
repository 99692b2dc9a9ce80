// Package rollbar speaks Rollbar's API: it ingests error reports sent by the
// official notifiers to POST /api/1/item/ and serves Rollbar's read API
// (items, instances, PATCH of an item). It translates the wire protocol
// only: grouping, item writes, lifecycle rules and access tokens are
// package errortrack's, storage is the stores'; Lookout's own JSON routes
// for errors (the errors of a trace, projects, tokens) are package api's.
package rollbar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/restapi"
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

// Tokens checks access tokens; errortrack.Tokens implements it.
type Tokens interface {
	// AnyExist reports whether any project has a token yet.
	AnyExist(ctx context.Context) (bool, error)
	// Lookup finds a token by its secret; store.ErrNotFound when none.
	Lookup(ctx context.Context, secret string) (model.AccessToken, error)
}

// Deps are what a Receiver talks to. Every field but Tokens is required.
type Deps struct {
	Ingest   Ingest             // reports in
	Edit     Editor             // PATCH of an item
	Items    store.ErrorReader  // the read API
	Projects store.ProjectStore // project ids
	// Tokens checks the requests' tokens; nil: an errortrack.Tokens over
	// Projects, on Config.Now. Share the server's, which issues tokens.
	Tokens Tokens
	// Store, when set, serves the REST API beyond items (package
	// restapi: deploys, environments, reports, projects and tokens) and
	// links items to deploys; TokenList lists tokens for it.
	Store     store.ErrorStore
	TokenList restapi.TokenLister
}

// Receiver is safe for concurrent use. Build it with New and mount it
// with Register; it starts no goroutine.
type Receiver struct {
	cfg    Config
	ingest Ingest
	edit   Editor
	items  store.ErrorReader
	store  store.ProjectStore // project ids
	tokens Tokens
	rest   *restapi.API // nil without Deps.Store
	links  deployLinker // nil without Deps.Store
	log    *slog.Logger
	now    func() time.Time

	openOnce sync.Once // the notice that loopback is open
}

// New builds the receiver.
func New(cfg Config, d Deps) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Ingest == nil || d.Edit == nil || d.Items == nil || d.Projects == nil {
		return nil, errors.New("rollbar: ingest, editor, item reader and project store are required")
	}
	r := &Receiver{cfg: cfg, ingest: d.Ingest, edit: d.Edit, items: d.Items, store: d.Projects, tokens: d.Tokens,
		log: cfg.Logger, now: cfg.Now}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.log = r.log.With("component", "rollbar")
	if r.now == nil {
		r.now = time.Now
	}
	if r.tokens == nil {
		tokens, err := errortrack.NewTokens(context.Background(), d.Projects, r.now)
		if err != nil {
			return nil, fmt.Errorf("rollbar: %w", err)
		}
		r.tokens = tokens
	}
	if d.Store != nil {
		issuer, ok := r.tokens.(restapi.Tokens)
		if !ok {
			return nil, errors.New("rollbar: the REST API needs Tokens that issue tokens (errortrack.Tokens)")
		}
		rest, err := restapi.New(restapi.Deps{Store: d.Store, Auth: authorizer{r}, Tokens: issuer, TokenList: d.TokenList, Now: r.now})
		if err != nil {
			return nil, fmt.Errorf("rollbar: %w", err)
		}
		r.rest, r.links = rest, d.Store
	}
	return r, nil
}

// Register mounts every route on mux:
//
//	POST  /api/1/item/ (and /api/1/item)    report an occurrence
//	GET   /api/1/items (and /api/1/items/)  list items
//	GET   /api/1/item/{id}                  one item
//	PATCH /api/1/item/{id}                  edit status, level, title, resolved_in_version
//	GET   /api/1/item_by_counter/{counter}  301 to the item
//	GET   /api/1/item/{id}/instances        an item's occurrences
//	GET   /api/1/instance/{id}              one occurrence
//
// and, with Deps.Store, restapi's routes (deploys, environments, the
// project's occurrences, reports, projects and access tokens).
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
	if r.rest != nil {
		r.rest.Register(mux)
	}
	mux.HandleFunc(apiPrefix, unmatched(mux))
}

// Handler serves the routes of Register on a mux of its own.
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	r.Register(mux)
	return mux
}
