package rollbar

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		// rollbar-go's package-level client starts its async transport at init.
		goleak.IgnoreAnyFunction("github.com/rollbar/rollbar-go.NewAsyncTransport.func1"),
	)
}

// testEnv is a receiver on a real metadata store behind an HTTP server.
type testEnv struct {
	r     *Receiver
	store *metaduck.Store
	srv   *httptest.Server
	clock atomic.Int64 // unix nanos of the receiver's clock
}

// startTracker runs an errortrack service over w, on the receiver's clock
// and logger, until the test ends.
func startTracker(t testing.TB, w store.ErrorWriter, cfg Config, edit ...func(*errortrack.Config)) *errortrack.Service {
	t.Helper()
	ecfg := errortrack.DefaultConfig()
	ecfg.Now, ecfg.Logger = cfg.Now, cfg.Logger
	for _, f := range edit {
		f(&ecfg)
	}
	svc, err := errortrack.New(ecfg, w)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go svc.Run(ctx)
	t.Cleanup(func() { cancel(); <-svc.Stopped() })
	return svc
}

// deps wires a receiver to a tracker and a metadata store, with the REST
// API beyond items.
func deps(svc *errortrack.Service, st *metaduck.Store) Deps {
	return Deps{Ingest: svc, Edit: svc, Items: st, Projects: st, Store: st, TokenList: st}
}

// advance moves the receiver's clock forward.
func (e *testEnv) advance(d time.Duration) { e.clock.Add(int64(d)) }

// newEnv opens a fresh store; edit may change the config.
func newEnv(t testing.TB, edit ...func(*Config)) *testEnv {
	t.Helper()
	st, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{store: st}
	e.clock.Store(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC).UnixNano())
	cfg := DefaultConfig()
	cfg.Now = func() time.Time { return time.Unix(0, e.clock.Load()).UTC() }
	cfg.Logger = slog.New(slog.DiscardHandler)
	for _, f := range edit {
		f(&cfg)
	}
	t.Cleanup(func() { st.Close() }) // after the tracker stopped: cleanups run last first
	svc := startTracker(t, st, cfg)
	if e.r, err = New(cfg, deps(svc, st)); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.r.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request and decodes the JSON reply into a generic value.
func (e *testEnv) do(t testing.TB, method, path, token string, body []byte) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Rollbar-Access-Token", token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: reply %d is not JSON: %q", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out, resp.Header
}

// post sends a payload and fails unless it is accepted.
func (e *testEnv) post(t testing.TB, payload []byte) {
	t.Helper()
	if code, out, _ := e.do(t, "POST", "/api/1/item/", "", payload); code != 200 {
		t.Fatalf("post: %d %v", code, out)
	}
}

// items lists every item of the default project.
func (e *testEnv) items(t testing.TB, query string) []map[string]any {
	t.Helper()
	code, out, _ := e.do(t, "GET", "/api/1/items"+query, "", nil)
	if code != 200 {
		t.Fatalf("items: %d %v", code, out)
	}
	var items []map[string]any
	for _, it := range out["result"].(map[string]any)["items"].([]any) {
		items = append(items, it.(map[string]any))
	}
	return items
}

// readCapture returns a payload captured from rollbar-go.
func readCapture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sdkDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withData returns payload with data fields replaced.
func withData(t testing.TB, payload []byte, set map[string]any) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(payload, &env); err != nil {
		t.Fatal(err)
	}
	data := env["data"].(map[string]any)
	for k, v := range set {
		if v == nil {
			delete(data, k)
		} else {
			data[k] = v
		}
	}
	b, _ := json.Marshal(env)
	return b
}

// tokenPerScope issues a token of the default project for each scope, by
// scope name, which turns token checks on.
func (e *testEnv) tokenPerScope(t testing.TB) map[string]string {
	t.Helper()
	tokens := map[string]string{}
	for _, scope := range errortrack.AllScopes {
		_, secret, err := errortrack.IssueToken(context.Background(), e.store, model.DefaultProject, scope, scope)
		if err != nil {
			t.Fatal(err)
		}
		tokens[scope] = secret
	}
	return tokens
}
