package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

const contentTypeJSON = "application/json"

// writeJSON encodes v fully before writing, so an encoding failure still
// gets a clean 500 instead of a truncated 200.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	writeBody(w, status, contentTypeJSON, buf.Bytes())
	return nil
}

// writeBody writes a complete body with its length.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// errorBody is the shape of every error reply.
type errorBody struct {
	Error string `json:"error"`
}

// writeError writes {"error": msg}, with <, > and & as themselves (error
// messages quote queries, and the replies are JSON, not HTML).
func writeError(w http.ResponseWriter, status int, msg string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(errorBody{Error: msg}) // a string field cannot fail
	writeBody(w, status, contentTypeJSON, buf.Bytes())
}
