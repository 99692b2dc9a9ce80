// Package restapi serves Rollbar's REST API beyond items and their
// occurrences (package rollbar's): deploys, environments, the occurrences of
// a whole project, the reports, and projects and their access tokens, in
// Rollbar's shapes. It translates only: deploy rules and report windows are
// errortrack's, storage is the metadata store's, and who may call is the
// Authorizer's (package rollbar's token check).
package restapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
	"lookout/internal/store"
)

// Authorizer decides who may call.
type Authorizer interface {
	// Authorize resolves the project of a request that carries token and
	// needs one of scopes; a *wire.Error (401, 403, 500) when refused.
	Authorize(req *http.Request, token string, scopes ...string) (string, *wire.Error)
}

// Tokens knows whether tokens are enforced and issues them;
// *errortrack.Tokens implements it.
type Tokens interface {
	// AnyExist reports whether any project has a token yet (until then,
	// loopback is open).
	AnyExist(ctx context.Context) (bool, error)
	// Issue creates a token: an *errortrack.InvalidTokenError for invalid
	// scopes or names, store.ErrNotFound for a missing project.
	Issue(ctx context.Context, project, name, scopes string) (model.AccessToken, string, error)
}

// TokenLister lists a project's tokens; store.MetaDumper implements it.
type TokenLister interface {
	Tokens(ctx context.Context, project string) ([]model.AccessToken, error)
}

// Deps are what the API talks to; all are required but Now.
type Deps struct {
	Store     store.ErrorStore
	Auth      Authorizer
	Tokens    Tokens
	TokenList TokenLister
	Now       func() time.Time // nil: time.Now
}

// API is safe for concurrent use.
type API struct {
	st     store.ErrorStore
	auth   Authorizer
	tokens Tokens
	list   TokenLister
	now    func() time.Time
}

// New builds the API.
func New(d Deps) (*API, error) {
	if d.Store == nil || d.Auth == nil || d.Tokens == nil || d.TokenList == nil {
		return nil, errors.New("rollbar rest api: store, authorizer, tokens and token lister are required")
	}
	a := &API{st: d.Store, auth: d.Auth, tokens: d.Tokens, list: d.TokenList, now: d.Now}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Register mounts the routes on mux (Rollbar's trailing-slash forms are
// package rollbar's catch-all's):
//
//	POST   /api/1/deploy                        report a deploy (post_server_item, post_client_item)
//	GET    /api/1/deploys                       a project's deploys, 20 a page
//	GET    /api/1/deploy/{id}                   one deploy
//	PATCH  /api/1/deploy/{id}                   set its status (write, post_server_item, post_client_item)
//	GET    /api/1/environments                  the environments seen
//	GET    /api/1/instances                     every occurrence of the project, 20 a page
//	DELETE /api/1/instance/{id}                 delete an occurrence (write)
//	GET    /api/1/reports/top_active_items      items with the most occurrences, hour by hour
//	GET    /api/1/reports/occurrence_counts     occurrences per minute, hour or day
//	GET    /api/1/reports/activated_counts      items activated per minute, hour or day
//	GET    /api/1/projects                      projects
//	POST   /api/1/projects                      create one (loopback only)
//	GET    /api/1/project/{id}                  one project
//	GET    /api/1/project/{id}/access_tokens    its tokens (without their secrets)
//	POST   /api/1/project/{id}/access_tokens    issue one (loopback only)
func (a *API) Register(mux *http.ServeMux) {
	post := []string{errortrack.ScopePostServerItem, errortrack.ScopePostClientItem}
	mux.HandleFunc("POST /api/1/deploy", a.postDeploy)
	mux.HandleFunc("GET /api/1/deploys", a.read(a.listDeploys))
	mux.HandleFunc("GET /api/1/deploy/{id}", a.read(a.getDeploy))
	mux.HandleFunc("PATCH /api/1/deploy/{id}", a.scoped(a.patchDeploy, append([]string{errortrack.ScopeWrite}, post...)...))
	mux.HandleFunc("GET /api/1/environments", a.read(a.environments))
	mux.HandleFunc("GET /api/1/instances", a.read(a.instances))
	mux.HandleFunc("DELETE /api/1/instance/{id}", a.scoped(a.deleteInstance, errortrack.ScopeWrite))
	mux.HandleFunc("GET /api/1/reports/top_active_items", a.read(a.topActiveItems))
	mux.HandleFunc("GET /api/1/reports/occurrence_counts", a.read(a.occurrenceCounts))
	mux.HandleFunc("GET /api/1/reports/activated_counts", a.read(a.activatedCounts))
	mux.HandleFunc("GET /api/1/projects", a.read(a.listProjects))
	mux.HandleFunc("POST /api/1/projects", a.scoped(a.createProject, errortrack.ScopeWrite))
	mux.HandleFunc("GET /api/1/project/{id}", a.read(a.getProject))
	mux.HandleFunc("GET /api/1/project/{id}/access_tokens", a.read(a.listTokens))
	mux.HandleFunc("POST /api/1/project/{id}/access_tokens", a.scoped(a.createToken, errortrack.ScopeWrite))
}

// handler serves a request authorised for project.
type handler func(w http.ResponseWriter, req *http.Request, project string) *wire.Error

func (a *API) read(h handler) http.HandlerFunc { return a.scoped(h, errortrack.ScopeRead) }

// scoped requires a token (header X-Rollbar-Access-Token or query
// access_token) with one of scopes.
func (a *API) scoped(h handler, scopes ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		project, err := a.auth.Authorize(req, token(req, ""), scopes...)
		if err == nil {
			err = h(w, req, project)
		}
		if err != nil {
			wire.WriteError(w, err)
		}
	}
}

// token reads a request's token: the header, else the query, else
// fromBody.
func token(req *http.Request, fromBody string) string {
	if t := req.Header.Get("X-Rollbar-Access-Token"); t != "" {
		return t
	}
	if t := req.URL.Query().Get("access_token"); t != "" {
		return t
	}
	return fromBody
}

// replyError maps a failure once: a *wire.Error stays, a broken rule is
// 422, store.ErrNotFound 404, store.ErrExists 409, anything else 500.
func replyError(err error) *wire.Error {
	var we *wire.Error
	var dep *errortrack.InvalidDeployError
	var tok *errortrack.InvalidTokenError
	switch {
	case errors.As(err, &we):
		return we
	case errors.As(err, &dep), errors.As(err, &tok):
		return wire.Fail(http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, store.ErrNotFound):
		return wire.Fail(http.StatusNotFound, err.Error())
	case errors.Is(err, store.ErrExists):
		return wire.Fail(http.StatusConflict, err.Error())
	}
	return wire.Fail(http.StatusInternalServerError, err.Error())
}

// projectID is the id of the project named project (0 when it cannot be
// read: the reply still renders).
func (a *API) projectID(ctx context.Context, project string) int64 {
	p, err := a.st.Project(ctx, project)
	if err != nil {
		return 0
	}
	return p.ID
}
