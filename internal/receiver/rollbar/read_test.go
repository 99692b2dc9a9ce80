package rollbar

import (
	"strings"
	"testing"
)

// TestReadErrors checks how the routes that name an object map their
// failures: a malformed id or an unknown object is 404, a bad parameter
// or edit 422.
func TestReadErrors(t *testing.T) {
	e := newEnv(t)
	e.post(t, readCapture(t, "message_info.json"))
	cases := []struct {
		name, method, path, body string
		wantCode                 int
		wantIn                   string
	}{
		{"item id not a number", "GET", "/api/1/item/abc", "", 404, `id \"abc\" not found`},
		{"item id zero", "GET", "/api/1/item/0", "", 404, "not found"},
		{"unknown counter", "GET", "/api/1/item_by_counter/7", "", 404, "not found"},
		{"instances of an unknown item", "GET", "/api/1/item/9/instances", "", 404, "not found"},
		{"instances: bad page", "GET", "/api/1/item/1/instances?page=0", "", 422, "page"},
		{"unknown instance", "GET", "/api/1/instance/99", "", 404, "not found"},
		{"patch: not JSON", "PATCH", "/api/1/item/1", "{", 422, "invalid JSON"},
		{"patch: bad level", "PATCH", "/api/1/item/1", `{"level":"loud"}`, 422, "level"},
		{"patch: unknown item", "PATCH", "/api/1/item/9", `{"status":"muted"}`, 404, "not found"},
		{"instances", "GET", "/api/1/item/1/instances?page=1", "", 200, `"page":1`},
		{"trailing slash: item", "GET", "/api/1/item/1/", "", 200, `"counter":1`},
		{"trailing slash: instances", "GET", "/api/1/item/1/instances/", "", 200, `"instances":[{`},
		{"trailing slash: instance", "GET", "/api/1/instance/1/", "", 200, `"billable":1`},
		{"trailing slash: by counter", "GET", "/api/1/item_by_counter/1/", "", 301, `"path":"/api/1/item/1"`},
		{"trailing slash: patch", "PATCH", "/api/1/item/1/", `{"level":"error"}`, 200, `"level":"error"`},
		{"trailing slash: unknown item", "GET", "/api/1/item/9/", "", 404, "not found"},
		{"unknown route", "POST", "/api/1/sourcemap", `{}`, 404, `POST /api/1/sourcemap is not supported`},
		{"unknown route with slash", "GET", "/api/1/teams/", "", 404, `GET /api/1/teams/ is not supported`},
		{"trailing slash: deploys", "GET", "/api/1/deploys/", "", 200, `"deploys":[]`},
		{"known path, other method", "DELETE", "/api/1/item/1", "", 404, `DELETE /api/1/item/1 is not supported`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := e.do(t, c.method, c.path, "", []byte(c.body))
			got := mustJSON(t, out)
			if code != c.wantCode || !strings.Contains(got, c.wantIn) {
				t.Errorf("%d %s, want %d with %q", code, got, c.wantCode, c.wantIn)
			}
		})
	}
}
