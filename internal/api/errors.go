package api

import (
	"context"
	"net/http"
	"time"

	"lookout/internal/model"
)

// ErrorReader reads error occurrences and their items;
// store.ErrorReader implementations satisfy it.
type ErrorReader interface {
	// OccurrencesByTrace returns the project's occurrences linked to a
	// trace, oldest first, at most limit.
	OccurrencesByTrace(ctx context.Context, project string, trace model.TraceID, limit int) ([]model.ErrorOccurrence, error)
	// Item returns one item; store.ErrNotFound when absent.
	Item(ctx context.Context, project string, id int64) (model.Item, error)
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
func (a *API) traceErrors(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	raw := q.Get("traceID")
	if raw == "" {
		return &httpError{status: http.StatusBadRequest, msg: "traceID is required"}
	}
	id, err := model.ParseTraceID(raw)
	if err != nil {
		return badRequest("traceID", err)
	}
	project := a.project(r)
	occs, err := a.cfg.Errors.OccurrencesByTrace(r.Context(), project, id, maxTraceErrors)
	if err != nil {
		return err
	}
	out := make([]errorJSON, 0, len(occs))
	items := map[int64]model.Item{}
	for _, o := range occs {
		it, ok := items[o.ItemID]
		if !ok {
			it, _ = a.cfg.Errors.Item(r.Context(), project, o.ItemID) // expired or missing: zero
			items[o.ItemID] = it
		}
		out = append(out, errorJSON{
			OccurrenceID: o.ID, ItemID: o.ItemID, Counter: it.Counter, Project: o.Project, UUID: o.UUID,
			Timestamp: o.Timestamp, Level: o.Level.String(), Environment: o.Environment, Title: o.Title,
			Class: o.Class, Message: o.Message, ItemStatus: string(it.Status), TraceID: o.TraceID.String(),
		})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"errors": out})
}
