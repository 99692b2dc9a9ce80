// Package wire holds what every route of Rollbar's API shares on the wire:
// the {"err":0,"result":...} and {"err":1,"message":...} envelopes, the
// instance (occurrence) object, epoch-second times, and the page and id
// parameters.
package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lookout/internal/model"
)

// Error is a failure with the HTTP status and the message of Rollbar's
// {"err":1,"message":...} reply.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Fail makes an Error.
func Fail(status int, msg string) *Error { return &Error{Status: status, Msg: msg} }

// WriteJSON encodes v fully, then writes it with its length.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, *bytes.NewBufferString(`{"err":1,"message":"encoding the reply failed"}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// WriteResult writes Rollbar's success envelope.
func WriteResult(w http.ResponseWriter, status int, result any) {
	WriteJSON(w, status, map[string]any{"err": 0, "result": result})
}

// WriteError writes Rollbar's error envelope.
func WriteError(w http.ResponseWriter, e *Error) {
	WriteJSON(w, e.Status, map[string]any{"err": 1, "message": e.Msg})
}

// Instance is an occurrence in Rollbar's shape: data is the payload's
// data object as received (with its uuid).
type Instance struct {
	ID        int64           `json:"id"`
	ProjectID int64           `json:"project_id"`
	ItemID    int64           `json:"item_id"`
	Timestamp int64           `json:"timestamp"`
	Version   int             `json:"version"`
	Billable  int             `json:"billable"`
	Data      json.RawMessage `json:"data"`
}

// ToInstance renders o of the project whose id is projectID.
func ToInstance(o model.ErrorOccurrence, projectID int64) Instance {
	data := o.Data
	if !json.Valid(data) {
		data = json.RawMessage("null")
	}
	return Instance{ID: o.ID, ProjectID: projectID, ItemID: o.ItemID, Timestamp: o.Timestamp.Unix(),
		Version: 2, Billable: 1, Data: data}
}

// Unix renders a time as Rollbar's epoch seconds, or null when unset.
func Unix(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	s := t.Unix()
	return &s
}

// Page reads the 1-based page parameter (default 1).
func Page(q url.Values) (int, *Error) {
	s := q.Get("page")
	if s == "" {
		return 1, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 1_000_000 {
		return 0, Fail(http.StatusUnprocessableEntity, fmt.Sprintf("page: %q is not a page number (1 or more)", s))
	}
	return p, nil
}

// ID reads the positive integer path parameter name; a request naming
// no such object is 404.
func ID(req *http.Request, name string) (int64, *Error) {
	s := req.PathValue(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, Fail(http.StatusNotFound, fmt.Sprintf("%s %q not found", name, s))
	}
	return id, nil
}

// Multi reads a repeatable parameter, also split on commas.
func Multi(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
