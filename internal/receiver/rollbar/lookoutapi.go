package rollbar

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"lookout/internal/caller"
	"lookout/internal/model"
	"lookout/internal/store"
)

// Lookout's own routes answer Lookout JSON: the value, or {"error": "..."}.
func lookoutError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// errorJSON is one occurrence in GET /api/errors.
type errorJSON struct {
	OccurrenceID int64     `json:"occurrenceId"`
	ItemID       int64     `json:"itemId"`
	Counter      int64     `json:"counter"`
	Project      string    `json:"project"`
	UUID         string    `json:"uuid"`
	Timestamp    time.Time `json:"timestamp"`
	Level        string    `json:"level"`
	Environment  string    `json:"environment"`
	Title        string    `json:"title"`
	Class        string    `json:"class,omitempty"`
	Message      string    `json:"message,omitempty"`
	ItemStatus   string    `json:"itemStatus"`
	TraceID      string    `json:"traceId"`
}

// maxTraceErrors bounds GET /api/errors.
const maxTraceErrors = 1000

// traceErrors serves GET /api/errors?traceID=<32 hex or X-Ray id>[&project=]:
// {"errors":[...]} oldest first, so a trace view can show its errors.
func (r *Receiver) traceErrors(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	raw := q.Get("traceID")
	if raw == "" {
		lookoutError(w, http.StatusBadRequest, "traceID is required")
		return
	}
	id, err := model.ParseTraceID(raw)
	if err != nil {
		lookoutError(w, http.StatusBadRequest, "traceID: "+err.Error())
		return
	}
	project := q.Get("project")
	if project == "" {
		project = model.DefaultProject
	}
	occs, err := r.items.OccurrencesByTrace(req.Context(), project, id, maxTraceErrors)
	if err != nil {
		lookoutError(w, http.StatusInternalServerError, err.Error())
		return
	}
	out := make([]errorJSON, 0, len(occs))
	items := map[int64]model.Item{}
	for _, o := range occs {
		it, ok := items[o.ItemID]
		if !ok {
			it, _ = r.items.Item(req.Context(), project, o.ItemID) // expired or missing: zero
			items[o.ItemID] = it
		}
		out = append(out, errorJSON{
			OccurrenceID: o.ID, ItemID: o.ItemID, Counter: it.Counter, Project: o.Project, UUID: o.UUID,
			Timestamp: o.Timestamp, Level: o.Level.String(), Environment: o.Environment, Title: o.Title,
			Class: o.Class, Message: o.Message, ItemStatus: string(it.Status), TraceID: o.TraceID.String(),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"errors": out})
}

var projectName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// createProject serves POST /api/errors/projects {"name": ...}, from
// loopback clients only: 201 {"id","name"}, 409 when it exists.
func (r *Receiver) createProject(w http.ResponseWriter, req *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if !r.adminBody(w, req, &in) {
		return
	}
	if !projectName.MatchString(in.Name) {
		lookoutError(w, http.StatusBadRequest, "name: want 1-64 letters, digits, '.', '_' or '-'")
		return
	}
	p, err := r.store.CreateProject(req.Context(), in.Name)
	switch {
	case errors.Is(err, store.ErrExists):
		lookoutError(w, http.StatusConflict, err.Error())
	case err != nil:
		lookoutError(w, http.StatusInternalServerError, err.Error())
	default:
		writeJSON(w, http.StatusCreated, map[string]any{"id": p.ID, "name": p.Name})
	}
}

// createToken serves POST /api/errors/tokens {"project","name","scopes"},
// from loopback clients only: 201 {"token", ...}. The token is shown once;
// only its hash is stored.
func (r *Receiver) createToken(w http.ResponseWriter, req *http.Request) {
	var in struct {
		Project string   `json:"project"`
		Name    string   `json:"name"`
		Scopes  []string `json:"scopes"`
	}
	if !r.adminBody(w, req, &in) {
		return
	}
	if in.Project == "" {
		in.Project = model.DefaultProject
	}
	t, secret, err := IssueToken(req.Context(), r.store, in.Project, in.Name, strings.Join(in.Scopes, ","))
	var bad *badRequest
	switch {
	case errors.As(err, &bad):
		lookoutError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, store.ErrNotFound):
		lookoutError(w, http.StatusNotFound, err.Error())
	case err != nil:
		lookoutError(w, http.StatusInternalServerError, err.Error())
	default:
		r.haveTokens.Store(true)
		writeJSON(w, http.StatusCreated, map[string]any{
			"token": secret, "project": t.Project, "name": t.Name, "scopes": t.Scopes})
	}
}

// adminBody admits loopback clients only and decodes a small JSON body.
func (r *Receiver) adminBody(w http.ResponseWriter, req *http.Request, v any) bool {
	if !caller.Loopback(req.RemoteAddr) {
		lookoutError(w, http.StatusForbidden, "projects and tokens are managed from loopback only")
		return false
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		lookoutError(w, http.StatusBadRequest, "body: "+describe(err, ""))
		return false
	}
	return true
}

type badRequest struct{ err error }

func (e *badRequest) Error() string { return e.err.Error() }
func (e *badRequest) Unwrap() error { return e.err }
