package segment

import (
	"fmt"
	"testing"

	"lookout/internal/model"
)

// TestMapHTTPToSemanticAttributes: what a segment's http block carries is
// also under the OpenTelemetry names queries group and filter by.
func TestMapHTTPToSemanticAttributes(t *testing.T) {
	cases := []struct {
		name    string
		request string // the http.request object
		want    map[string]any
		absent  []string
	}{
		{"flask behind a proxy", `{"method":"GET","url":"https://4567-cruddur.gitpod.io/api/activities/home","user_agent":"Mozilla/5.0","client_ip":"10.0.0.7","x_forwarded_for":true}`,
			map[string]any{"http.request.method": "GET", "url.full": "https://4567-cruddur.gitpod.io/api/activities/home",
				"url.scheme": "https", "url.path": "/api/activities/home", "server.address": "4567-cruddur.gitpod.io",
				"user_agent.original": "Mozilla/5.0", "client.address": "10.0.0.7"},
			[]string{"server.port", "url.query"}},
		{"health check with a port and a query", `{"method":"HEAD","url":"http://127.0.0.1:15004/health?full=1"}`,
			map[string]any{"url.path": "/health", "url.query": "full=1", "server.address": "127.0.0.1", "server.port": int64(15004)}, nil},
		{"a relative URL", `{"method":"GET","url":"/api/x?y=1"}`,
			map[string]any{"url.full": "/api/x?y=1", "url.path": "/api/x", "url.query": "y=1"},
			[]string{"url.scheme", "server.address", "server.port"}},
		{"a URL that does not parse", `{"method":"GET","url":"http://[::1"}`,
			map[string]any{"url.full": "http://[::1"}, []string{"url.path", "server.address"}},
		{"IPv6 host", `{"url":"http://[::1]:8080/a"}`,
			map[string]any{"server.address": "::1", "server.port": int64(8080), "url.path": "/a"}, nil},
	}
	for _, c := range cases {
		doc := fmt.Sprintf(`{"name":"backend-flask","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979",`+
			`"start_time":1478293361.271,"end_time":1478293361.449,"http":{"request":%s,"response":{"status":200}}}`, c.request)
		d, e := Parse([]byte(doc))
		if e != nil {
			t.Fatalf("%s: %v", c.name, e)
		}
		sp := Map(model.DefaultProject, d, doc)[0]
		for k, v := range c.want {
			got, ok := sp.Attributes.Get(k)
			var match bool
			switch v := v.(type) {
			case string:
				match = ok && got.Kind == model.KindString && got.Str == v
			case int64:
				match = ok && got.Kind == model.KindInt && got.Int == v
			}
			if !match {
				t.Errorf("%s: %s = %+v (present %v), want %v", c.name, k, got, ok, v)
			}
		}
		for _, k := range c.absent {
			if v, ok := sp.Attributes.Get(k); ok {
				t.Errorf("%s: %s = %+v, want it absent", c.name, k, v)
			}
		}
		if v, _ := sp.Attributes.Get("http.response.status_code"); v.Int != 200 {
			t.Errorf("%s: status %+v", c.name, v)
		}
	}
}
