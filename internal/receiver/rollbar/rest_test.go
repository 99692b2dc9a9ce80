package rollbar

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRESTScenarios checks the REST API beyond items (package restapi,
// mounted by the receiver) with tokens enforced: deploys, environments,
// the project's occurrences, reports, projects and tokens.
func TestRESTScenarios(t *testing.T) {
	e := newEnv(t)
	tokens := e.tokenPerScope(t)
	form := url.Values{"access_token": {tokens["post_server_item"]}, "environment": {"staging"}, "revision": {"abc"}}.Encode()
	if code, out, _ := e.do(t, "POST", "/api/1/item/", tokens["post_server_item"], readCapture(t, "message_info.json")); code != 200 {
		t.Fatalf("report: %d %v", code, out)
	}
	cases := []struct {
		name, method, path, token string
		contentType, body         string
		wantCode                  int
		wantIn                    string // substring of the reply
	}{
		{"deploy", "POST", "/api/1/deploy", tokens["post_server_item"], "", `{"environment":"production","revision":"r1","status":"started"}`,
			200, `"data":{"deploy_id":1}`},
		{"deploy as a form, token in it", "POST", "/api/1/deploy/", "", "application/x-www-form-urlencoded", form, 200, `"deploy_id":2`},
		{"deploy, token in the JSON body", "POST", "/api/1/deploy", "", "", `{"access_token":"` + tokens["post_server_item"] + `","environment":"e","revision":"r0"}`,
			200, `"deploy_id":3`},
		{"deploy by a client token", "POST", "/api/1/deploy", tokens["post_client_item"], "", `{"environment":"e","revision":"r"}`, 200, `"deploy_id":4`},
		{"deploy needs a post scope", "POST", "/api/1/deploy", tokens["read"], "", `{"environment":"e","revision":"r"}`, 403, "scope"},
		{"deploy without token", "POST", "/api/1/deploy", "", "", `{"environment":"e","revision":"r"}`, 401, "invalid access token"},
		{"deploy without environment", "POST", "/api/1/deploy", tokens["post_server_item"], "", `{"revision":"r"}`, 422, "environment: required"},
		{"deploy, bad status", "POST", "/api/1/deploy", tokens["post_server_item"], "", `{"environment":"e","revision":"r","status":"ok"}`, 422, `status \"ok\"`},
		{"deploy, bad start", "POST", "/api/1/deploy", tokens["post_server_item"], "", `{"environment":"e","revision":"r","start_time":"soon"}`, 422, "start_time"},
		{"deploy, field not a string", "POST", "/api/1/deploy", tokens["post_server_item"], "", `{"environment":{},"revision":"r"}`, 422, "environment: want a string"},
		{"deploy, not JSON", "POST", "/api/1/deploy", tokens["post_server_item"], "", `{`, 400, "invalid JSON"},
		{"deploys", "GET", "/api/1/deploys", tokens["read"], "", "", 200, `"revision":"r1"`},
		{"deploys need read", "GET", "/api/1/deploys", tokens["write"], "", "", 403, "scope"},
		{"deploys, bad page", "GET", "/api/1/deploys?page=0", tokens["read"], "", "", 422, "page"},
		{"one deploy", "GET", "/api/1/deploy/2", tokens["read"], "", "", 200, `"environment":"staging"`},
		{"unknown deploy", "GET", "/api/1/deploy/99", tokens["read"], "", "", 404, "not found"},
		{"patch deploy", "PATCH", "/api/1/deploy/1", tokens["post_server_item"], "", `{"status":"failed"}`, 200, `"status":"failed"`},
		{"patch deploy as a form", "PATCH", "/api/1/deploy/1", tokens["write"], "application/x-www-form-urlencoded", "status=succeeded", 200, `"status":"succeeded"`},
		{"patch deploy without status", "PATCH", "/api/1/deploy/1", tokens["write"], "", `{}`, 422, "status: required"},
		{"patch deploy needs write or post", "PATCH", "/api/1/deploy/1", tokens["read"], "", `{"status":"failed"}`, 403, "scope"},
		{"environments", "GET", "/api/1/environments", tokens["read"], "", "", 200, `{"environment":"e","project_id":1}`},
		{"instances", "GET", "/api/1/instances", tokens["read"], "", "", 200, `"instances":[{"id":1`},
		{"instances page 2", "GET", "/api/1/instances?page=2", tokens["read"], "", "", 200, `"instances":[]`},
		{"delete needs write", "DELETE", "/api/1/instance/1", tokens["read"], "", "", 403, "scope"},
		{"delete", "DELETE", "/api/1/instance/1", tokens["write"], "", "", 200, `{"err":0}`},
		{"deleted", "GET", "/api/1/instance/1", tokens["read"], "", "", 404, "not found"},
		{"delete again", "DELETE", "/api/1/instance/1", tokens["write"], "", "", 404, "not found"},
		{"top items", "GET", "/api/1/reports/top_active_items", tokens["read"], "", "", 200, `"result":[]`},
		{"top items, bad hours", "GET", "/api/1/reports/top_active_items?hours=0", tokens["read"], "", "", 422, "hours: want 1 to 720"},
		{"occurrence counts", "GET", "/api/1/reports/occurrence_counts?bucket_size=3600", tokens["read"], "", "", 200, `"result":[[`},
		{"occurrence counts, bad bucket", "GET", "/api/1/reports/occurrence_counts?bucket_size=10", tokens["read"], "", "", 422, "bucket_size"},
		{"occurrence counts, bad level", "GET", "/api/1/reports/occurrence_counts?min_level=loud", tokens["read"], "", "", 422, "min_level"},
		{"occurrence counts, bad item", "GET", "/api/1/reports/occurrence_counts?item_id=x", tokens["read"], "", "", 422, "item_id"},
		{"activated counts", "GET", "/api/1/reports/activated_counts?bucket_size=60", tokens["read"], "", "", 200, `"result":[[`},
		{"projects", "GET", "/api/1/projects", tokens["read"], "", "", 200, `"name":"default"`},
		{"one project", "GET", "/api/1/project/1", tokens["read"], "", "", 200, `"status":"enabled"`},
		{"no such project", "GET", "/api/1/project/2", tokens["read"], "", "", 404, "not found"},
		{"a token cannot create projects", "POST", "/api/1/projects", tokens["write"], "", `{"name":"x"}`, 403, "cannot create projects"},
		{"tokens", "GET", "/api/1/project/1/access_tokens", tokens["read"], "", "", 200, `"access_token":null`},
		{"issue a token", "POST", "/api/1/project/1/access_tokens", tokens["write"], "", `{"name":"ci","scopes":["read"]}`, 200, `"scopes":["read"]`},
		{"issue, bad scope", "POST", "/api/1/project/1/access_tokens", tokens["write"], "", `{"scopes":["root"]}`, 422, "root"},
		{"issue from a form", "POST", "/api/1/project/1/access_tokens", tokens["write"], "text/plain", `{"scopes":["read"]}`, 415,
			"application/json"},
		{"issue needs write", "POST", "/api/1/project/1/access_tokens", tokens["read"], "", `{"scopes":["read"]}`, 403, "scope"},
		{"q", "GET", "/api/1/items?q=level:info", tokens["read"], "", "", 200, `"total_count":1`},
		{"q narrows the parameters", "GET", "/api/1/items?q=level:info&level=error", tokens["read"], "", "", 200, `"total_count":0`},
		{"q, unsupported key", "GET", "/api/1/items?q=host:web-1", tokens["read"], "", "", 422, "host: is not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			ct := c.contentType
			if ct == "" && c.body != "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			if c.token != "" {
				req.Header.Set("X-Rollbar-Access-Token", c.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.wantCode || !strings.Contains(string(raw), c.wantIn) {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, raw, c.wantCode, c.wantIn)
			}
		})
	}
}
