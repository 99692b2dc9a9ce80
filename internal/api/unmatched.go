package api

import (
	"fmt"
	"net/http"
	"strings"
)

// unmatched answers what no route of mux takes under /api/, whoever
// registered the routes: 405 with an Allow header when the path is served
// for other methods, 404 otherwise; both as {"error": "..."} naming the
// request.
func unmatched(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s %s is not supported: the route takes %s", r.Method, r.URL.Path, strings.Join(allow, ", ")))
			return
		}
		writeError(w, http.StatusNotFound, fmt.Sprintf("%s %s is not supported: no such route in Lookout's API", r.Method, r.URL.Path))
	}
}

// allowed lists the methods mux has a route for at r's path. Catch-all
// patterns (without a method) are not routes.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := mux.Handler(probe); strings.HasPrefix(pattern, m+" ") {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	return allow
}
