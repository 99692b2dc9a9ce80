package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"

	"lookout/internal/querydefs"
)

// SavedQueryStore keeps the UI's saved queries; a querydefs.Service of
// kind querydefs.UIKind satisfies it.
type SavedQueryStore interface {
	Put(ctx context.Context, project string, d querydefs.Definition) (string, error)
	List(ctx context.Context, project string) ([]querydefs.Definition, error)
	Delete(ctx context.Context, project, id string) error
}

// savedQuery is the JSON of one saved query: its name and the UI address
// it opens (a page and its parameters, as after "#/").
type savedQuery struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	LastModified string `json:"lastModified,omitempty"`
}

const (
	maxSavedQueryBody = 16 << 10
	maxSavedName      = 255
	maxSavedAddress   = 8 << 10
)

// uiAddress is a UI page and its parameters: "query?calcs=COUNT", "service/api?start=6h".
var uiAddress = regexp.MustCompile(`^[a-z]+(/[^?#\s]*)?(\?[^#\s]*)?$`)

// savedQueryBody reads and checks {"name","address"}.
func savedQueryBody(w http.ResponseWriter, r *http.Request) (savedQuery, error) {
	var in savedQuery
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSavedQueryBody))
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	switch {
	case err != nil:
		return in, badRequest("body", err)
	case in.Name == "" || utf8.RuneCountInString(in.Name) > maxSavedName:
		return in, badRequest("name", fmt.Errorf("want 1 to %d characters, got %d", maxSavedName, utf8.RuneCountInString(in.Name)))
	case len(in.Address) > maxSavedAddress || !uiAddress.MatchString(in.Address):
		return in, badRequest("address", fmt.Errorf("%.80q is not a page of the UI with its parameters (query?calcs=COUNT)", in.Address))
	}
	return in, nil
}

func toSaved(d querydefs.Definition) savedQuery {
	return savedQuery{ID: d.ID, Name: d.Name, Address: d.QueryString, LastModified: time.UnixMilli(d.LastModifiedMs).UTC().Format(time.RFC3339)}
}

// savedQueries serves GET /api/saved-queries: {"queries":[...]} by name.
func (a *API) savedQueries(w http.ResponseWriter, r *http.Request) error {
	all, err := a.cfg.SavedQueries.List(r.Context(), a.project(r))
	if err != nil {
		return err
	}
	out := struct {
		Queries []savedQuery `json:"queries"`
	}{Queries: make([]savedQuery, 0, len(all))}
	for _, d := range all {
		out.Queries = append(out.Queries, toSaved(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

// putSavedQuery serves POST /api/saved-queries (201, a new id) and PUT
// /api/saved-queries/{id} (200; 404 when there is none): the query as stored.
func (a *API) putSavedQuery(w http.ResponseWriter, r *http.Request) error {
	in, err := savedQueryBody(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	d := querydefs.Definition{ID: id, Name: in.Name, QueryString: in.Address, QueryLanguage: "lookout-ui"}
	if d.ID, err = a.cfg.SavedQueries.Put(r.Context(), a.project(r), d); err != nil {
		return savedQueryError(err, id)
	}
	all, err := a.cfg.SavedQueries.List(r.Context(), a.project(r))
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.ID == d.ID {
			return writeJSON(w, status, toSaved(x))
		}
	}
	return fmt.Errorf("saved query %q: not listed after its put", d.ID)
}

// deleteSavedQuery serves DELETE /api/saved-queries/{id}: 204, or 404.
func (a *API) deleteSavedQuery(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := a.cfg.SavedQueries.Delete(r.Context(), a.project(r), id); err != nil {
		return savedQueryError(err, id)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func savedQueryError(err error, id string) error {
	switch {
	case errors.Is(err, querydefs.ErrNotFound):
		return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("saved query %q not found", id)}
	case errors.Is(err, querydefs.ErrTooMany):
		return &httpError{status: http.StatusConflict, msg: fmt.Sprintf("too many saved queries (at most %d a project)", querydefs.MaxPerProject)}
	}
	return err
}
