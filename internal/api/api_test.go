package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/store/duckdb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openStore opens a real DuckDB store in a temporary directory, filled with
// the fixture batch, and closes it when the test ends.
func openStore(t testing.TB) *duckdb.Store {
	t.Helper()
	cfg := duckdb.DefaultConfig()
	cfg.Dir = t.TempDir()
	st, err := duckdb.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	if err := st.Write(context.Background(), fixtureBatch()); err != nil {
		t.Fatalf("write fixture: %v", err)
	}
	return st
}

// serve starts an httptest server with the API on the fixture store. edit,
// when set, adjusts the config (the readers are already set).
func serve(t testing.TB, st *duckdb.Store, edit func(*Config)) *httptest.Server {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Traces, cfg.Logs, cfg.Metrics, cfg.Now = st, st, st, testNow
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("new api: %v", err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// scenario is one HTTP exchange and what the reply must hold.
type scenario struct {
	name    string
	method  string            // GET when empty
	url     string            // path and query
	headers map[string]string // request headers
	body    string            // request body

	status      int      // expected status
	json        string   // expected JSON content: a subset of the reply (see jsonSubset)
	contains    []string // substrings the raw body must hold
	notContains []string // substrings it must not hold
	check       func(t *testing.T, body []byte)
}

// run performs every scenario as a subtest against srv.
func run(t *testing.T, srv *httptest.Server, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			method := sc.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, srv.URL+sc.url, strings.NewReader(sc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range sc.headers {
				req.Header.Set(k, v)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != sc.status {
				t.Fatalf("%s %s: status %d, want %d; body: %s", method, sc.url, resp.StatusCode, sc.status, body)
			}
			if sc.json != "" {
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("content type %q, want application/json", ct)
				}
				checkJSON(t, body, sc.json)
			}
			for _, s := range sc.contains {
				if !bytes.Contains(body, []byte(s)) {
					t.Errorf("body lacks %q; body: %s", s, body)
				}
			}
			for _, s := range sc.notContains {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("body holds %q; body: %s", s, body)
				}
			}
			if sc.check != nil {
				sc.check(t, body)
			}
		})
	}
}

// checkJSON decodes both documents and requires want to be a subset of got.
func checkJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := decodeJSON(got, &g); err != nil {
		t.Fatalf("reply is not JSON: %v; body: %s", err, got)
	}
	if err := decodeJSON([]byte(want), &w); err != nil {
		t.Fatalf("scenario JSON: %v", err)
	}
	if err := jsonSubset("$", g, w); err != nil {
		t.Errorf("%v\nbody: %s", err, got)
	}
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// jsonSubset reports where got differs from want: objects must hold every
// key of want (extra keys are fine), arrays must have want's length with
// each element a subset, scalars must be equal. Null in want requires the
// key to be absent or null.
func jsonSubset(path string, got, want any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: got %v, want an object", path, got)
		}
		for k, wv := range w {
			gv, present := g[k]
			if wv == nil {
				if present && gv != nil {
					return fmt.Errorf("%s.%s: got %v, want absent", path, k, gv)
				}
				continue
			}
			if !present {
				return fmt.Errorf("%s.%s: missing", path, k)
			}
			if err := jsonSubset(path+"."+k, gv, wv); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want %d elements", path, got, len(w))
		}
		for i := range w {
			if err := jsonSubset(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
	default:
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
	return nil
}

func TestConfigValidate(t *testing.T) {
	st := openStore(t)
	good := DefaultConfig()
	good.Traces, good.Logs = st, st
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default is valid", func(*Config) {}, ""},
		{"no traces", func(c *Config) { c.Traces = nil }, "traces reader is nil"},
		{"no logs", func(c *Config) { c.Logs = nil }, "logs reader is nil"},
		{"negative timeout", func(c *Config) { c.QueryTimeout = -time.Second }, "query timeout -1s"},
		{"negative window", func(c *Config) { c.DefaultSearchWindow = -1 }, "default search window"},
		{"negative limit", func(c *Config) { c.MaxLimit = -1 }, "max limit -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			err := c.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
			if _, nerr := New(c); (nerr == nil) != (err == nil) {
				t.Errorf("New() = %v, Validate() = %v", nerr, err)
			}
		})
	}
	// New fills zero fields with the defaults.
	a, err := New(Config{Traces: st, Logs: st})
	if err != nil {
		t.Fatal(err)
	}
	if a.cfg.QueryTimeout != 30*time.Second || a.cfg.DefaultSearchWindow != 24*time.Hour || a.cfg.MaxLimit != 10000 {
		t.Errorf("defaults not applied: %+v", a.cfg)
	}
}
