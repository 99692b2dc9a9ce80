package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"lookout/internal/caller"
	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// ProjectCreator adds projects; store.ProjectStore implementations
// satisfy it.
type ProjectCreator interface {
	// CreateProject adds a project; store.ErrExists when the name is taken.
	CreateProject(ctx context.Context, name string) (model.Project, error)
}

// TokenIssuer issues access tokens; *errortrack.Tokens implements it.
type TokenIssuer interface {
	// Issue creates a token with comma-separated scopes for an existing
	// project and returns it with its secret: an
	// *errortrack.InvalidTokenError for invalid scopes or names,
	// store.ErrNotFound for a missing project.
	Issue(ctx context.Context, project, name, scopes string) (model.AccessToken, string, error)
}

// maxAdminBody bounds the body of the project and token routes.
const maxAdminBody = 64 << 10

// createProject serves POST /api/errors/projects {"name": ...}, from
// loopback clients only: 201 {"id","name"}, 409 when it exists.
func (a *API) createProject(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := adminBody(r, &in); err != nil {
		return err
	}
	if err := errortrack.CheckProjectName(in.Name); err != nil {
		return &httpError{status: http.StatusBadRequest, msg: err.Error()}
	}
	p, err := a.cfg.Projects.CreateProject(r.Context(), in.Name)
	if errors.Is(err, store.ErrExists) {
		return &httpError{status: http.StatusConflict, msg: err.Error()}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": p.ID, "name": p.Name})
}

// createToken serves POST /api/errors/tokens {"project","name","scopes"},
// from loopback clients only: 201 {"token", ...}. The token is shown once;
// only its hash is stored.
func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Project string   `json:"project"`
		Name    string   `json:"name"`
		Scopes  []string `json:"scopes"`
	}
	if err := adminBody(r, &in); err != nil {
		return err
	}
	if in.Project == "" {
		in.Project = model.DefaultProject
	}
	t, secret, err := a.cfg.Tokens.Issue(r.Context(), in.Project, in.Name, strings.Join(in.Scopes, ","))
	var invalid *errortrack.InvalidTokenError
	switch {
	case errors.As(err, &invalid):
		return &httpError{status: http.StatusBadRequest, msg: err.Error()}
	case errors.Is(err, store.ErrNotFound):
		return &httpError{status: http.StatusNotFound, msg: err.Error()}
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{
		"token": secret, "project": t.Project, "name": t.Name, "scopes": t.Scopes})
}

// adminBody admits loopback clients only and decodes a small JSON body.
func adminBody(r *http.Request, v any) error {
	if !caller.Loopback(r.RemoteAddr) {
		return &httpError{status: http.StatusForbidden, msg: "projects and tokens are managed from loopback only"}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		return badRequest("body", err)
	}
	return nil
}
