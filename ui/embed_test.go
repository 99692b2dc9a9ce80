package ui

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedBundle(t *testing.T) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := fs.ReadFile(sub, "index.html")
	if err != nil {
		t.Fatalf("dist/index.html missing: run `npm ci && npm run build` in ui/: %v", err)
	}
	if !strings.Contains(string(idx), "/assets/") {
		t.Fatalf("dist/index.html does not reference the built assets:\n%s", idx)
	}
	for _, ext := range []string{".js", ".css"} {
		matches, _ := fs.Glob(sub, "assets/*"+ext)
		if len(matches) == 0 {
			t.Errorf("no assets/*%s in dist", ext)
		}
	}

	srv := httptest.NewServer(Handler())
	defer srv.Close()
	body := get(t, srv.URL+"/", 200, "text/html")
	if body != string(idx) {
		t.Errorf("GET / is not dist/index.html")
	}
	js, _ := fs.Glob(sub, "assets/*.js")
	if len(js) > 0 {
		get(t, srv.URL+"/"+js[0], 200, "javascript")
	}
}

func TestHandlerScenarios(t *testing.T) {
	files := fstest.MapFS{
		"index.html":          {Data: []byte("<html>index</html>")},
		"assets/app-1234.js":  {Data: []byte("console.log(1)")},
		"assets/app-1234.css": {Data: []byte("body{}")},
		"favicon.svg":         {Data: []byte("<svg/>")},
	}
	srv := httptest.NewServer(handler(files))
	defer srv.Close()
	tests := []struct {
		name, method, path string
		status             int
		contentType, cache string
		body               string
	}{
		{"index", "GET", "/", 200, "text/html", "no-cache", "<html>index</html>"},
		{"index file redirects to /", "GET", "/index.html", 301, "", "", ""},
		{"client route falls back to index", "GET", "/traces/abc", 200, "text/html", "no-cache", "<html>index</html>"},
		{"hashed asset cached", "GET", "/assets/app-1234.js", 200, "javascript", "immutable", "console.log(1)"},
		{"css", "GET", "/assets/app-1234.css", 200, "text/css", "immutable", "body{}"},
		{"other file revalidated", "GET", "/favicon.svg", 200, "image/svg+xml", "no-cache", "<svg/>"},
		{"missing asset is 404", "GET", "/assets/old-999.js", 404, "", "", ""},
		{"api paths are not the ui", "GET", "/api/nope", 404, "", "", ""},
		{"head", "HEAD", "/", 200, "text/html", "no-cache", ""},
		{"post refused", "POST", "/x", 405, "", "", ""},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d (%s)", res.StatusCode, tc.status, b)
			}
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, tc.contentType) {
				t.Errorf("content type %q, want %q", ct, tc.contentType)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, tc.cache) {
				t.Errorf("cache-control %q, want %q", cc, tc.cache)
			}
			if tc.body != "" && string(b) != tc.body {
				t.Errorf("body %q, want %q", b, tc.body)
			}
		})
	}
}

func get(t *testing.T, url string, status int, contentType string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d", url, res.StatusCode, status)
	}
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, contentType) {
		t.Fatalf("GET %s: content type %q, want %q", url, ct, contentType)
	}
	return string(b)
}
