package identity

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
)

// CrossSite refuses state-changing requests (every method but GET, HEAD
// and OPTIONS) that a browser sent from another site, with net/http's
// CrossOriginProtection: Sec-Fetch-Site other than same-origin or none,
// or else an Origin whose host is not the request's Host. Requests
// without either header (API clients, SDKs, curl) pass. deny answers the
// refused requests (403); paths matching a bypass pattern (ServeMux
// syntax) are not checked.
func CrossSite(next, deny http.Handler, bypass ...string) http.Handler {
	c := http.NewCrossOriginProtection()
	for _, p := range bypass {
		c.AddInsecureBypassPattern(p)
	}
	c.SetDenyHandler(deny)
	return c.Handler(next)
}

// CrossSiteMessage says why CrossSite refused r.
func CrossSiteMessage(r *http.Request) string {
	return fmt.Sprintf("cross-site request refused: %s %s from another site (Origin %q, Sec-Fetch-Site %q) may not change anything here",
		r.Method, r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site"))
}

// DenyJSON answers a cross-site request in the shape of Lookout's API.
func DenyJSON(w http.ResponseWriter, r *http.Request) {
	WriteJSONError(w, http.StatusForbidden, CrossSiteMessage(r))
}

// RequireJSON lets a state-changing request through only when its body is
// JSON (Content-Type application/json) or it carries an Authorization
// header: neither can be sent by a cross-site form or a simple
// cross-origin fetch, which need no preflight. Otherwise it answers 415
// and reports false. Safe methods always pass.
func RequireJSON(w http.ResponseWriter, r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	if r.Header.Get("Authorization") != "" {
		return true
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "application/json" {
		return true
	}
	WriteJSONError(w, http.StatusUnsupportedMediaType,
		fmt.Sprintf("%s %s changes state: send it as Content-Type: application/json (got %q)", r.Method, r.URL.Path, r.Header.Get("Content-Type")))
	return false
}

// WriteJSONError answers {"error": msg}, the error shape of Lookout's API.
func WriteJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
