package rollbar

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"lookout/internal/errortrack"
	"lookout/internal/pipeline"
)

// postItem serves POST /api/1/item/: it answers 200
// {"err":0,"result":{"id":null,"uuid":...}} only once the occurrence is
// committed (or was already: a re-sent uuid creates nothing), else
// {"err":1,"message":...} with 400 (not JSON), 401 (token), 403 (scope),
// 413 (too large), 422 (invalid, naming the field), 429 (queue full, with
// X-Rate-Limit-* headers and Retry-After), 503 (shutting down) or 500.
func (r *Receiver) postItem(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, fail(http.StatusRequestEntityTooLarge, "request entity too large"))
			return
		}
		writeError(w, fail(http.StatusBadRequest, "reading request body: "+err.Error()))
		return
	}
	if ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("payload") == "" {
			writeError(w, fail(http.StatusBadRequest, "form body: want the JSON in the payload parameter"))
			return
		}
		body = []byte(form.Get("payload"))
	}
	env, err := decodeEnvelope(body)
	if err != nil {
		writePayloadError(w, err)
		return
	}
	token := req.Header.Get("X-Rollbar-Access-Token")
	if token == "" {
		token = env.AccessToken
	}
	// Decode first (the platform decides the scope), but report a bad token
	// before a bad payload.
	occ, ev, derr := decodeData(env.Data, "", r.now().UTC())
	scopes := []string{errortrack.ScopePostServerItem, errortrack.ScopePostClientItem}
	if derr == nil {
		scopes = postScopes(occ.Platform)
	}
	project, aerr := r.authorize(req, token, scopes...)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if derr != nil {
		writePayloadError(w, derr)
		return
	}
	occ.Project = project
	if _, err := r.ingest.Record(req.Context(), occ, ev); err != nil {
		r.submitError(w, err)
		return
	}
	writeResult(w, http.StatusOK, map[string]any{"id": nil, "uuid": occ.UUID})
}

func writePayloadError(w http.ResponseWriter, err error) {
	var pe *payloadError
	if errors.As(err, &pe) {
		writeError(w, fail(pe.status, pe.msg))
		return
	}
	writeError(w, fail(http.StatusUnprocessableEntity, err.Error()))
}

// submitError maps a failed commit to Rollbar's replies: 429 with the
// rate-limit headers when the queue is full (clients retry), 503 with
// Retry-After while shutting down, while the disk lacks space and when a
// commit failed (nothing was stored: the same report may succeed later),
// 500 otherwise.
func (r *Receiver) submitError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, pipeline.ErrOverloaded):
		h := w.Header()
		h.Set("X-Rate-Limit-Limit", strconv.Itoa(r.ingest.Capacity()))
		h.Set("X-Rate-Limit-Remaining", "0")
		h.Set("X-Rate-Limit-Reset", strconv.FormatInt(r.now().Unix()+1, 10))
		h.Set("X-Rate-Limit-Remaining-Seconds", "1")
		h.Set("Retry-After", "1")
		writeError(w, fail(http.StatusTooManyRequests, "rate limit reached: "+err.Error()))
	case errors.Is(err, pipeline.ErrClosed):
		w.Header().Set("Retry-After", "1")
		writeError(w, fail(http.StatusServiceUnavailable, err.Error()))
	case pipeline.IsRetryable(err):
		w.Header().Set("Retry-After", "1")
		writeError(w, fail(http.StatusServiceUnavailable, "storing the occurrence failed, retry later: "+err.Error()))
	default:
		r.log.Warn("rollbar: commit failed", "err", err)
		writeError(w, fail(http.StatusInternalServerError, "storing the occurrence failed: "+err.Error()))
	}
}
