package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}

// port names a listener of a running server.
type port int

const (
	onMain port = iota // the main HTTP port
	onXRay             // the X-Ray API's TCP port
	onOTLP             // the OTLP/HTTP port
)

// scenario is one HTTP exchange with a running server and what its reply
// must hold.
type scenario struct {
	name    string
	port    port // the main port when zero
	method  string
	path    string
	headers map[string]string
	body    string

	status      int
	contentType string            // prefix of the reply's Content-Type; "" checks nothing
	contains    string            // substring of the reply body; "" checks nothing
	header      map[string]string // reply headers that must have these values
}

// running is a server started by New and Run on loopback, kernel-chosen
// ports and a temporary data directory.
type running struct {
	s      *Server
	client *http.Client
}

// start runs a server until the test ends.
func start(t *testing.T) *running { return startWith(t, nil) }

// startWith runs a server whose configuration edit changed, until the test
// ends.
func startWith(t *testing.T, edit func(*Config)) *running {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.HTTPAddr, cfg.XRayAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.OTLP.GRPCAddr, cfg.OTLP.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Version, cfg.Logger = "test", slog.New(slog.DiscardHandler)
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	r := &running{s: s, client: &http.Client{
		Transport:     &http.Transport{},
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	t.Cleanup(func() {
		r.client.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); !s.ready.Load(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("server not ready after 30s")
		}
	}
	return r
}

// url is the address of path on p.
func (r *running) url(p port, path string) string {
	addr := r.s.HTTPAddr()
	switch p {
	case onXRay:
		addr = r.s.xray.apiAddr()
	case onOTLP:
		addr = addrString(r.s.otlp.HTTPAddr())
	}
	return "http://" + addr + path
}

// run performs the scenarios in order, each as a subtest.
func (r *running) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), sc.method, r.url(sc.port, sc.path), strings.NewReader(sc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range sc.headers {
				req.Header.Set(k, v)
			}
			resp, err := r.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			ct := resp.Header.Get("Content-Type")
			if resp.StatusCode != sc.status || !strings.HasPrefix(ct, sc.contentType) || !strings.Contains(string(raw), sc.contains) {
				t.Errorf("%s %s: %d %q %q\nwant %d %q with %q", sc.method, sc.path, resp.StatusCode, ct, raw, sc.status, sc.contentType, sc.contains)
			}
			for k, v := range sc.header {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s %s: header %s = %q, want %q", sc.method, sc.path, k, got, v)
				}
			}
		})
	}
}

// TestNewErrors checks that New reports what stops it and leaves nothing
// running (goleak in TestMain checks the goroutines).
func TestNewErrors(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{"short retention", func(c *Config) { c.Retention = time.Minute }, "retention 1m0s: must be at least 1h"},
		{"store unreachable", func(c *Config) { c.Stores.Store = "clickhouse://127.0.0.1:1/lookout" }, "open store"},
		{"meta unreachable", func(c *Config) { c.Stores.Meta = "postgres://lookout@127.0.0.1:1/lookout" }, "open metadata store"},
		{"main port taken", func(c *Config) { c.HTTPAddr = taken.Addr().String() }, "http-addr " + taken.Addr().String()},
		{"x-ray port taken", func(c *Config) { c.XRayAddr = taken.Addr().String() }, "x-ray api on tcp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.DataDir = t.TempDir()
			cfg.HTTPAddr, cfg.XRayAddr = "127.0.0.1:0", "127.0.0.1:0"
			cfg.OTLP.GRPCAddr, cfg.OTLP.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
			cfg.Logger = slog.New(slog.DiscardHandler)
			tc.edit(&cfg)
			s, err := New(t.Context(), cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				if s != nil {
					s.closeAll()
				}
				t.Fatalf("New: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
