package rollbar

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// TestHTTPScenarios checks the documented replies, with tokens enforced.
func TestHTTPScenarios(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = MinBodyBytes })
	tokens := e.tokenPerScope(t)
	msg := readCapture(t, "message_info.json")
	browser := withData(t, msg, map[string]any{"platform": "browser"})
	inBody := bytes.Replace(msg, []byte(`{`), []byte(`{"access_token":"`+tokens["post_server_item"]+`",`), 1)
	cases := []struct {
		name, method, path, token string
		body                      []byte
		wantCode                  int
		wantIn                    string // substring of the reply
	}{
		{"no token", "POST", "/api/1/item/", "", msg, 401, "invalid access token"},
		{"unknown token", "POST", "/api/1/item/", strings.Repeat("a", 32), msg, 401, "invalid access token"},
		{"read token cannot post", "POST", "/api/1/item/", tokens["read"], msg, 403, "scope"},
		{"client token cannot post server items", "POST", "/api/1/item/", tokens["post_client_item"], msg, 403, "scope"},
		{"client token posts browser items", "POST", "/api/1/item/", tokens["post_client_item"], browser, 200, `"uuid"`},
		{"server token", "POST", "/api/1/item", tokens["post_server_item"], msg, 200, `"id":null`},
		{"token in body", "POST", "/api/1/item/", "", inBody, 200, `"err":0`},
		{"too large", "POST", "/api/1/item/", tokens["post_server_item"], bytes.Repeat([]byte(" "), MinBodyBytes+1), 413, "too large"},
		{"not json", "POST", "/api/1/item/", tokens["post_server_item"], []byte("{"), 400, "invalid JSON"},
		{"no data", "POST", "/api/1/item/", tokens["post_server_item"], []byte(`{}`), 422, "data is required"},
		{"no environment", "POST", "/api/1/item/", tokens["post_server_item"], withData(t, msg, map[string]any{"environment": nil}), 422, "data.environment"},
		{"environment not a string", "POST", "/api/1/item/", tokens["post_server_item"], withData(t, msg, map[string]any{"environment": 3}), 422, "data.environment"},
		{"two bodies", "POST", "/api/1/item/", tokens["post_server_item"],
			withData(t, msg, map[string]any{"body": map[string]any{"message": map[string]any{"body": "x"}, "trace": map[string]any{}}}), 422, "exactly one"},
		{"bad level", "POST", "/api/1/item/", tokens["post_server_item"], withData(t, msg, map[string]any{"level": "loud"}), 422, "data.level"},
		{"trace without class", "POST", "/api/1/item/", tokens["post_server_item"],
			withData(t, msg, map[string]any{"body": map[string]any{"trace": map[string]any{"frames": []any{}}}}), 422, "data.body.trace.exception.class"},
		{"read needs read scope", "GET", "/api/1/items", tokens["write"], nil, 403, "scope"},
		{"items", "GET", "/api/1/items?level=warning", tokens["read"], nil, 200, `"hidden_by_level_filter":{"info":1}`},
		{"bad status", "GET", "/api/1/items?status=open", tokens["read"], nil, 422, "status"},
		{"item", "GET", "/api/1/item/1", tokens["read"], nil, 200, `"counter":1`},
		{"unknown item", "GET", "/api/1/item/99", tokens["read"], nil, 404, "not found"},
		{"by counter", "GET", "/api/1/item_by_counter/1?access_token=" + tokens["read"], "", nil, 301, `"path":"/api/1/item/1"`},
		{"instances", "GET", "/api/1/item/1/instances", tokens["read"], nil, 200, `"instances":[{`},
		{"instance", "GET", "/api/1/instance/1", tokens["read"], nil, 200, `"billable":1`},
		{"patch needs write", "PATCH", "/api/1/item/1", tokens["read"], []byte(`{"status":"resolved"}`), 403, "scope"},
		{"patch bad status", "PATCH", "/api/1/item/1", tokens["write"], []byte(`{"status":"gone"}`), 422, "status"},
		{"patch", "PATCH", "/api/1/item/1", tokens["write"], []byte(`{"status":"resolved","title":"renamed"}`), 200, `"title_lock":1`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := e.do(t, c.method, c.path, c.token, c.body)
			got := mustJSON(t, out)
			if code != c.wantCode || !strings.Contains(got, c.wantIn) {
				t.Errorf("%d %s, want %d with %q", code, got, c.wantCode, c.wantIn)
			}
		})
	}
}

// blockingStore holds RecordOccurrences until release is closed.
type blockingStore struct {
	store.ErrorWriter
	entered chan struct{}
	release chan struct{}
}

func (b *blockingStore) RecordOccurrences(ctx context.Context, occs []*model.ErrorOccurrence, f store.ObserveFunc) ([]store.Recorded, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-b.release
	return b.ErrorWriter.RecordOccurrences(ctx, occs, f)
}

// TestOverloadIs429 fills the queue's byte budget while the writer is busy
// and checks the retryable reply with Rollbar's rate-limit headers.
func TestOverloadIs429(t *testing.T) {
	e := newEnv(t)
	bs := &blockingStore{ErrorWriter: e.store, entered: make(chan struct{}, 1), release: make(chan struct{})}
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	svc := startTracker(t, bs, cfg, func(c *errortrack.Config) { c.MaxQueueBytes = cfg.MaxBodyBytes })
	r, err := New(cfg, deps(svc, e.store))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	e2 := &testEnv{r: r, store: e.store, srv: srv}
	big := withData(t, readCapture(t, "message_info.json"), map[string]any{"custom": map[string]any{"pad": strings.Repeat("x", int(cfg.MaxBodyBytes)-8192)}})
	done := make(chan int, 1)
	go func() {
		code, _, _ := e2.do(t, "POST", "/api/1/item/", "", big)
		done <- code
	}()
	<-bs.entered
	code, out, h := e2.do(t, "POST", "/api/1/item/", "", big)
	if code != 429 || h.Get("X-Rate-Limit-Remaining") != "0" || h.Get("X-Rate-Limit-Remaining-Seconds") == "" {
		t.Errorf("second report: %d %v %v, want 429 with rate-limit headers", code, out, h)
	}
	close(bs.release)
	if c := <-done; c != 200 {
		t.Errorf("first report: %d, want 200 once committed", c)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
