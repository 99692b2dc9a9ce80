package otlp

import (
	"net/http"
	"strings"
)

// cors answers browser preflights and marks replies readable by allowed
// origins, so browser SDKs (@opentelemetry/exporter-trace-otlp-http) can send.
type cors struct {
	any      bool
	exact    map[string]bool
	wildcard [][2]string // prefix, suffix around "*"
}

func newCORS(origins []string) cors {
	c := cors{exact: map[string]bool{}}
	for _, o := range origins {
		o = strings.ToLower(o)
		switch before, after, found := strings.Cut(o, "*"); {
		case o == "*":
			c.any = true
		case found:
			c.wildcard = append(c.wildcard, [2]string{before, after})
		default:
			c.exact[o] = true
		}
	}
	return c
}

func (c cors) allowed(origin string) bool {
	if c.any {
		return true
	}
	o := strings.ToLower(origin)
	if c.exact[o] {
		return true
	}
	for _, w := range c.wildcard {
		if len(o) > len(w[0])+len(w[1]) && strings.HasPrefix(o, w[0]) && strings.HasSuffix(o, w[1]) &&
			!strings.ContainsAny(o[len(w[0]):len(o)-len(w[1])], "/:") {
			return true
		}
	}
	return false
}

// handle sets CORS headers for a request from an allowed origin, and answers
// OPTIONS requests itself (204, or 403 for a preflight from another origin).
// It reports whether the request has been answered.
func (c cors) handle(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	ok := origin != "" && c.allowed(origin)
	h := w.Header()
	if ok {
		if c.any {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
		}
		h.Set("Access-Control-Expose-Headers", "Retry-After")
	}
	if r.Method != http.MethodOptions {
		return false
	}
	if r.Header.Get("Access-Control-Request-Method") == "" { // a plain OPTIONS
		h.Set("Allow", "POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	if !ok {
		http.Error(w, "origin "+origin+" is not allowed to send OTLP data here", http.StatusForbidden)
		return true
	}
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
		h.Set("Access-Control-Allow-Headers", rh)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	h.Set("Access-Control-Max-Age", "7200")
	w.WriteHeader(http.StatusNoContent)
	return true
}
