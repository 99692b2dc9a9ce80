package main

import (
	"net/http"
	"os"
)

// withAPIKey sends the API key in LOOKOUT_API_KEY, if set, with a request
// to a running Lookout's API: needed once the server has --api-keys (a key
// for every project, "*", to create projects and tokens).
func withAPIKey(req *http.Request) {
	if k := os.Getenv("LOOKOUT_API_KEY"); k != "" {
		req.Header.Set("Authorization", "Bearer "+k)
	}
}
