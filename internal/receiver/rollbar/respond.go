package rollbar

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// apiError is a failure with the HTTP status and the message of Rollbar's
// {"err":1,"message":...} reply.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func fail(status int, msg string) *apiError { return &apiError{status: status, msg: msg} }

// writeJSON encodes v fully, then writes it with its length.
func writeJSON(w http.ResponseWriter, status int, v any) {
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

// writeResult writes Rollbar's success envelope.
func writeResult(w http.ResponseWriter, status int, result any) {
	writeJSON(w, status, map[string]any{"err": 0, "result": result})
}

// writeError writes Rollbar's error envelope.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]any{"err": 1, "message": e.msg})
}
