package restapi

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"lookout/internal/caller"
	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
)

// Rollbar's account-level calls on projects and their tokens, over the
// same projects and tokens as Lookout's own API. Lookout has no account
// tokens: a project's token (read scope to read, write scope to create)
// reaches its own project; while no token exists at all, loopback reaches
// every project. Creating projects and tokens is for loopback callers
// only, as in Lookout's API.

type projectJSON struct {
	ID           int64  `json:"id"`
	AccountID    int64  `json:"account_id"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	DateCreated  *int64 `json:"date_created"`
	DateModified *int64 `json:"date_modified"`
}

func toProject(p model.Project) projectJSON {
	return projectJSON{ID: p.ID, AccountID: 1, Name: p.Name, Status: "enabled",
		DateCreated: wire.Unix(p.Created), DateModified: wire.Unix(p.Created)}
}

// tokenJSON is a project access token; AccessToken is the secret, which
// only the reply that issues it holds (Lookout keeps its SHA-256 only).
type tokenJSON struct {
	ProjectID    int64    `json:"project_id"`
	AccessToken  *string  `json:"access_token"`
	TokenHash    string   `json:"token_hash"`
	Name         string   `json:"name"`
	Status       string   `json:"status"`
	Scopes       []string `json:"scopes"`
	DateCreated  *int64   `json:"date_created"`
	DateModified *int64   `json:"date_modified"`
}

func toToken(t model.AccessToken, projectID int64, secret *string) tokenJSON {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return tokenJSON{ProjectID: projectID, AccessToken: secret, TokenHash: t.Hash, Name: t.Name, Status: "enabled",
		Scopes: scopes, DateCreated: wire.Unix(t.Created), DateModified: wire.Unix(t.Created)}
}

// open reports whether no token exists yet, so that the caller reached
// here through the open loopback.
func (a *API) open(req *http.Request) (bool, *wire.Error) {
	exist, err := a.tokens.AnyExist(req.Context())
	if err != nil {
		return false, replyError(err)
	}
	return !exist, nil
}

// visible lists the projects the caller may reach.
func (a *API) visible(req *http.Request, granted string) ([]model.Project, *wire.Error) {
	open, werr := a.open(req)
	if werr != nil {
		return nil, werr
	}
	if !open {
		p, err := a.st.Project(req.Context(), granted)
		if err != nil {
			return nil, replyError(err)
		}
		return []model.Project{p}, nil
	}
	ps, err := a.st.Projects(req.Context())
	if err != nil {
		return nil, replyError(err)
	}
	return ps, nil
}

// target is the project of the path's {id} among those the caller may
// reach (404 otherwise, as for an id that does not exist).
func (a *API) target(req *http.Request, granted string) (model.Project, *wire.Error) {
	id, werr := wire.ID(req, "id")
	if werr != nil {
		return model.Project{}, werr
	}
	ps, werr := a.visible(req, granted)
	if werr != nil {
		return model.Project{}, werr
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return model.Project{}, wire.Fail(http.StatusNotFound, "project "+req.PathValue("id")+" not found")
}

func (a *API) listProjects(w http.ResponseWriter, req *http.Request, granted string) *wire.Error {
	ps, werr := a.visible(req, granted)
	if werr != nil {
		return werr
	}
	out := make([]projectJSON, len(ps))
	for i, p := range ps {
		out[i] = toProject(p)
	}
	wire.WriteResult(w, http.StatusOK, out)
	return nil
}

func (a *API) getProject(w http.ResponseWriter, req *http.Request, granted string) *wire.Error {
	p, werr := a.target(req, granted)
	if werr != nil {
		return werr
	}
	wire.WriteResult(w, http.StatusOK, toProject(p))
	return nil
}

// loopbackBody admits loopback callers only and decodes a small JSON body.
// The body must say it is JSON: a page of another site can post a form or
// text to a loopback address without the browser asking first (Rollbar's
// paths take cross-site requests, for rollbar.js), but not JSON.
func loopbackBody(w http.ResponseWriter, req *http.Request, v any) *wire.Error {
	if !caller.Loopback(req.RemoteAddr) {
		return wire.Fail(http.StatusForbidden, "projects and access tokens are managed from loopback only")
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt != "application/json" {
		return wire.Fail(http.StatusUnsupportedMediaType, fmt.Sprintf("%s %s: send the body as Content-Type: application/json (got %q)",
			req.Method, req.URL.Path, req.Header.Get("Content-Type")))
	}
	req.Body = http.MaxBytesReader(w, req.Body, maxBody)
	if err := json.NewDecoder(req.Body).Decode(v); err != nil {
		return wire.Fail(http.StatusBadRequest, "invalid JSON: "+err.Error())
	}
	return nil
}

// createProject serves POST /api/1/projects {"name"}: while tokens are
// enforced, a project is made through Lookout's own API or the CLI, since
// no project token may create another project.
func (a *API) createProject(w http.ResponseWriter, req *http.Request, _ string) *wire.Error {
	var in struct {
		Name string `json:"name"`
	}
	if werr := loopbackBody(w, req, &in); werr != nil {
		return werr
	}
	if open, werr := a.open(req); werr != nil || !open {
		if werr != nil {
			return werr
		}
		return wire.Fail(http.StatusForbidden, "a project access token cannot create projects: use `lookout project create` or POST /api/errors/projects")
	}
	if err := errortrack.CheckProjectName(in.Name); err != nil {
		return wire.Fail(http.StatusUnprocessableEntity, err.Error())
	}
	p, err := a.st.CreateProject(req.Context(), in.Name)
	if err != nil {
		return replyError(err)
	}
	wire.WriteResult(w, http.StatusOK, toProject(p))
	return nil
}

func (a *API) listTokens(w http.ResponseWriter, req *http.Request, granted string) *wire.Error {
	p, werr := a.target(req, granted)
	if werr != nil {
		return werr
	}
	ts, err := a.list.Tokens(req.Context(), p.Name)
	if err != nil {
		return replyError(err)
	}
	out := make([]tokenJSON, len(ts))
	for i, t := range ts {
		out[i] = toToken(t, p.ID, nil)
	}
	wire.WriteResult(w, http.StatusOK, out)
	return nil
}

// createToken serves POST /api/1/project/{id}/access_tokens {"name",
// "scopes": [...]}: the reply holds the secret, shown this once.
func (a *API) createToken(w http.ResponseWriter, req *http.Request, granted string) *wire.Error {
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if werr := loopbackBody(w, req, &in); werr != nil {
		return werr
	}
	p, werr := a.target(req, granted)
	if werr != nil {
		return werr
	}
	t, secret, err := a.tokens.Issue(req.Context(), p.Name, in.Name, strings.Join(in.Scopes, ","))
	if err != nil {
		return replyError(err)
	}
	wire.WriteResult(w, http.StatusOK, toToken(t, p.ID, &secret))
	return nil
}
