package compat

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	rollbargo "github.com/rollbar/rollbar-go"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/trace"
)

// readCase is one read of another project's data and what it must get.
type readCase struct {
	name   string
	path   string
	key    string // API key sent as a bearer; "" sends none
	status int
	shows  string // the reply must contain it
	hides  string // the reply must not contain it
}

func runReads(t *testing.T, in *instance, cases []readCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := httpCall{url: in.HTTP + tc.path}
			if tc.key != "" {
				c.headers = bearerKey(tc.key)
			}
			status, body, _ := c.do(t)
			if status != tc.status || !strings.Contains(body, tc.shows) || (tc.hides != "" && strings.Contains(body, tc.hides)) {
				t.Errorf("GET %s: %d %.300s\nwant %d, showing %q, hiding %q", tc.path, status, body, tc.status, tc.shows, tc.hides)
			}
		})
	}
}

// reportErrorOf reports, with rollbar-go and token, an error linked to
// trace tid.
func reportErrorOf(t *testing.T, in *instance, token, title string, tid trace.TraceID) {
	t.Helper()
	var clientErrs []error
	c := rollbargo.NewSync(token, "production", "v1", "web-1", "lookout/test/compat")
	c.SetEndpoint(in.HTTP + "/api/1/item/")
	c.SetLogger(&captureLogger{errs: &clientErrs})
	defer c.Close()
	c.ErrorWithExtras(rollbargo.ERR, errors.New(title), map[string]any{"trace_id": tid.String()})
	if len(clientErrs) > 0 {
		t.Fatalf("rollbar-go: %v", clientErrs)
	}
}

// adminPost creates a project or a token through Lookout's API, as an
// operator (key) or, with key "", as a local zero-config client.
func adminPost(t *testing.T, in *instance, path, key, body string) map[string]any {
	t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if key != "" {
		h["Authorization"] = "Bearer " + key
	}
	status, reply, _ := httpCall{method: http.MethodPost, url: in.HTTP + path, headers: h, body: body}.do(t)
	if status != http.StatusCreated {
		t.Fatalf("POST %s %s: %d %s", path, body, status, reply)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(reply), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func randomTraceID() trace.TraceID {
	var tid trace.TraceID
	_, _ = rand.Read(tid[:])
	return tid
}

// TestCrossProjectReadsNeedAKeyOfTheProject: project b's error and trace,
// sent with b's Rollbar token and b's OTLP ingest key by the official
// clients, are read only with an API key of b (or of every project):
// without a key 401, with a's key 403, and a's own reads do not show them.
func TestCrossProjectReadsNeedAKeyOfTheProject(t *testing.T) {
	in := startLookout(t, t.TempDir(), "--api-keys", operatorKey+":*,"+keyA+":a,"+keyB+":b", "--otlp-keys", ingestKeyB+":b")
	adminPost(t, in, "/api/errors/projects", operatorKey, `{"name":"a"}`)
	adminPost(t, in, "/api/errors/projects", operatorKey, `{"name":"b"}`)
	// The CLI against the running server, with the operator's key.
	cli := exec.Command(lookoutBin, "token", "create", "--server", in.HTTP, "--project", "b")
	cli.Env = append(os.Environ(), "LOOKOUT_API_KEY="+operatorKey)
	out, err := cli.CombinedOutput()
	if err != nil {
		t.Fatalf("lookout token create: %v: %s", err, out)
	}

	tid := randomTraceID()
	const title = "card declined for order 7"
	reportErrorOf(t, in, strings.TrimSpace(string(out)), title, tid)
	exp, err := otlptracehttp.New(t.Context(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
		otlptracehttp.WithHeaders(map[string]string{"Authorization": "Bearer " + ingestKeyB}),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.ExportSpans(t.Context(), oneSpan(tid, "checkout")); err != nil {
		t.Fatalf("export with b's ingest key: %v", err)
	}
	_ = exp.Shutdown(context.Background())

	id := tid.String()
	errorsOfB := "/api/errors?traceID=" + id + "&project=b"
	runReads(t, in, []readCase{
		{name: "errors of b, no key", path: errorsOfB, status: 401, hides: title},
		{name: "errors of b, a's key", path: errorsOfB, key: keyA, status: 403, hides: title},
		{name: "errors of the trace, a's key", path: "/api/errors?traceID=" + id, key: keyA, status: 200, shows: `"errors":[]`, hides: title},
		{name: "errors of b, b's key", path: errorsOfB, key: keyB, status: 200, shows: title},
		{name: "errors of the trace, b's key", path: "/api/errors?traceID=" + id, key: keyB, status: 200, shows: title},
		{name: "errors of b, operator's key", path: errorsOfB, key: operatorKey, status: 200, shows: title},
		{name: "search b, no key", path: "/api/search?project=b", status: 401, hides: id},
		{name: "search b, a's key", path: "/api/search?project=b", key: keyA, status: 403, hides: id},
		{name: "search, a's key", path: "/api/search", key: keyA, status: 200, hides: id},
		{name: "search b, b's key", path: "/api/search?project=b", key: keyB, status: 200, shows: id},
		{name: "search, b's key", path: "/api/search", key: keyB, status: 200, shows: id},
		{name: "trace, a's key", path: "/api/traces/" + id, key: keyA, status: 404},
		{name: "trace, b's key", path: "/api/traces/" + id, key: keyB, status: 200, shows: "checkout"},
		{name: "status, b's key", path: "/api/status", key: keyB, status: 403},
		{name: "status, operator's key", path: "/api/status", key: operatorKey, status: 200},
		{name: "metrics, no key", path: "/metrics", status: 401},
		{name: "health, no key", path: "/readyz", status: 200},
	})
}

// TestCrossProjectReadsZeroConfig: without any key configured, a loopback
// client reads the default project as before, and another project's
// errors not at all, although it can write them with that project's token.
func TestCrossProjectReadsZeroConfig(t *testing.T) {
	in := startLookout(t, t.TempDir())
	adminPost(t, in, "/api/errors/projects", "", `{"name":"b"}`)
	tok := adminPost(t, in, "/api/errors/tokens", "", `{"project":"b","scopes":["post_server_item"]}`)
	tid := randomTraceID()
	const title = "project b's secret failure"
	reportErrorOf(t, in, tok["token"].(string), title, tid)

	id := tid.String()
	runReads(t, in, []readCase{
		{name: "errors of b", path: "/api/errors?traceID=" + id + "&project=b", status: 401, hides: title},
		{name: "errors of b with an unknown key", path: "/api/errors?traceID=" + id + "&project=b", key: keyB, status: 401, hides: title},
		{name: "errors of the trace", path: "/api/errors?traceID=" + id, status: 200, shows: `"errors":[]`, hides: title},
		{name: "search b", path: "/api/search?project=b", status: 401},
		{name: "search", path: "/api/search", status: 200},
		{name: "status", path: "/api/status", status: 200},
	})
}
