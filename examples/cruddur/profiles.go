package cruddur

import "net/http"

// profiles is the second service: user profiles by handle, called by the
// backend over HTTP with both W3C traceparent and X-Amzn-Trace-Id.
type profiles struct {
	*service
}

func (p *profiles) routes() *http.ServeMux {
	mux := http.NewServeMux()
	p.handle(mux, "GET /api/health-check", func(w http.ResponseWriter, _ *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
		return nil
	}, otelUntraced)
	p.handle(mux, "GET /profiles/{handle}", p.profile)
	return mux
}

func (p *profiles) profile(w http.ResponseWriter, r *http.Request) error {
	u, ok := users[r.PathValue("handle")]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "user not found"})
		return nil
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
