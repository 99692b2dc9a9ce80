package api

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lookout/internal/querydefs"
	"lookout/internal/store/metaduck"
)

// TestSavedQueries: the UI's saved queries are created, listed by name,
// replaced and deleted over HTTP, kept in a real metadata store; a bad
// name or address is a 400 naming the field, an unknown id a 404.
func TestSavedQueries(t *testing.T) {
	meta, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	saved := querydefs.NewOfKind(meta, querydefs.UIKind, func() time.Time { return t0 })
	srv := serve(t, openStore(t), func(c *Config) { c.SavedQueries = saved })

	var id string
	keep := func(t *testing.T, body []byte) {
		var q savedQuery
		if err := json.Unmarshal(body, &q); err != nil || q.ID == "" {
			t.Fatalf("created: %s (%v)", body, err)
		}
		id = q.ID
	}
	run(t, srv, []scenario{
		{name: "empty list", url: "/api/saved-queries", status: 200, json: `{"queries":[]}`},
		{name: "create", method: "POST", url: "/api/saved-queries", body: `{"name":"slow checkout","address":"query?calcs=HEATMAP(duration_ms)&where=http.route%20%3D%20%2Fcheckout"}`,
			status: 201, json: `{"name":"slow checkout","address":"query?calcs=HEATMAP(duration_ms)&where=http.route%20%3D%20%2Fcheckout","lastModified":"2025-03-10T10:00:00Z"}`, check: keep},
		{name: "second", method: "POST", url: "/api/saved-queries", body: `{"name":"api errors","address":"service/api?start=6h"}`, status: 201},
		{name: "no name", method: "POST", url: "/api/saved-queries", body: `{"name":"","address":"query"}`, status: 400, contains: []string{`"name: want 1 to 255 characters`}},
		{name: "not a page", method: "POST", url: "/api/saved-queries", body: `{"name":"x","address":"https://evil.test/"}`, status: 400, contains: []string{`"address: `}},
		{name: "not JSON", method: "POST", url: "/api/saved-queries", body: `name=x`, status: 400, contains: []string{`"body: `}},
		{name: "replace unknown", method: "PUT", url: "/api/saved-queries/nope", body: `{"name":"x","address":"logs"}`, status: 404, contains: []string{`saved query \"nope\" not found`}},
		{name: "delete unknown", method: "DELETE", url: "/api/saved-queries/nope", status: 404},
	})
	run(t, srv, []scenario{
		{name: "listed by name", url: "/api/saved-queries", status: 200, check: func(t *testing.T, body []byte) {
			var l struct{ Queries []savedQuery }
			if err := json.Unmarshal(body, &l); err != nil || len(l.Queries) != 2 || l.Queries[0].Name != "api errors" || l.Queries[1].ID != id {
				t.Fatalf("list: %s", body)
			}
		}},
		{name: "replace", method: "PUT", url: "/api/saved-queries/" + id, body: `{"name":"slow checkout (p99)","address":"query?calcs=P99(duration_ms)"}`,
			status: 200, json: `{"id":"` + id + `","name":"slow checkout (p99)","address":"query?calcs=P99(duration_ms)"}`},
		{name: "delete", method: "DELETE", url: "/api/saved-queries/" + id, status: 204},
		{name: "gone", url: "/api/saved-queries", status: 200, check: func(t *testing.T, body []byte) {
			if strings.Contains(string(body), id) {
				t.Fatalf("deleted query still listed: %s", body)
			}
		}},
	})
}
