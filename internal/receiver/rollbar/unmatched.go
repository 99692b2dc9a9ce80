package rollbar

import (
	"fmt"
	"net/http"
	"strings"
)

// apiPrefix is the path under which Rollbar's API lives.
const apiPrefix = "/api/1/"

// unmatched serves what no route of mux takes under /api/1/. Rollbar's API
// takes its paths with or without a trailing slash, so a path with one is
// served by the route of the path without it when there is one; anything
// else answers 404 in Rollbar's error shape, naming the request.
func unmatched(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		if p := req.URL.Path; len(p) > len(apiPrefix) && strings.HasSuffix(p, "/") {
			trimmed := *req
			u := *req.URL
			u.Path, u.RawPath = strings.TrimSuffix(p, "/"), ""
			trimmed.URL = &u
			if _, pattern := mux.Handler(&trimmed); pattern != "" && pattern != apiPrefix {
				mux.ServeHTTP(w, &trimmed)
				return
			}
		}
		writeError(w, fail(http.StatusNotFound,
			fmt.Sprintf("%s %s is not supported: no such route in the Rollbar API served here", req.Method, req.URL.Path)))
	}
}
