package lookouttest

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// fakeEnv makes the test binary play lookout; its value picks a behaviour.
const fakeEnv = "LOOKOUTTEST_FAKE"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fake(mode))
	}
	goleak.VerifyTestMain(m)
}

// fake behaves as `lookout serve` does as far as Start and Stop can tell.
// Modes: "ok"; "exit" ends before starting; "unready" never answers /readyz
// with 200; "stubborn" ignores SIGTERM; "fail" exits 1 on SIGTERM.
func fake(mode string) int {
	log := json.NewEncoder(os.Stderr)
	_ = log.Encode(map[string]any{"level": "INFO", "msg": "args", "args": os.Args[1:]})
	if mode == "exit" {
		_ = log.Encode(map[string]any{"level": "ERROR", "msg": "data dir is locked"})
		return 3
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 2
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" || mode == "unready" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	_ = log.Encode(map[string]any{"level": "INFO", "msg": "lookout started", "http": ln.Addr().String(),
		"otlp_grpc": "127.0.0.1:4317", "otlp_http": "", "xray_udp": "", "xray_api": "127.0.0.1:2000"})
	for range term {
		if mode != "stubborn" {
			break
		}
	}
	_ = log.Encode(map[string]any{"level": "INFO", "msg": "lookout stopping"})
	if mode == "fail" {
		return 1
	}
	return 0
}

func TestStartStop(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     string
		edit     func(*Config)
		startErr string // "" when Start must succeed
		kill     bool   // Kill before Stop
		stopErr  string // "" when Stop must return nil
		timeout  bool   // Stop's error wraps ErrStopTimeout
	}{
		{name: "clean", mode: "ok"},
		{name: "exits before starting", mode: "exit", startErr: "exited before starting:\n"},
		{name: "never ready", mode: "unready", edit: func(c *Config) { c.ReadyTimeout = 200 * time.Millisecond },
			startErr: "/readyz not 200 after 200ms: status 503"},
		{name: "ignores SIGTERM", mode: "stubborn", edit: func(c *Config) { c.StopTimeout = 200 * time.Millisecond },
			stopErr: "lookout did not stop within 200ms of SIGTERM", timeout: true},
		{name: "fails on SIGTERM", mode: "fail", stopErr: "lookout exited with exit status 1"},
		{name: "killed", mode: "ok", kill: true, stopErr: "lookout exited with signal: killed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(fakeEnv, tc.mode)
			cfg := DefaultConfig()
			cfg.Bin, cfg.DataDir = os.Args[0], t.TempDir()
			if tc.edit != nil {
				tc.edit(&cfg)
			}
			s, err := Start(cfg)
			if tc.startErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.startErr) || !strings.Contains(err.Error(), `"msg":"args"`) {
					t.Fatalf("Start: %v, want an error with %q and the log", err, tc.startErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(s.HTTP, "http://127.0.0.1:") || s.OTLPGRPC != "127.0.0.1:4317" || s.OTLPHTTP != "" ||
				s.XRayUDP != "" || s.XRayAPI != "http://127.0.0.1:2000" || s.Pid == 0 || s.Ready <= 0 {
				t.Errorf("addresses: %+v", s)
			}
			if tc.kill {
				s.Kill()
			}
			err = s.Stop()
			if tc.stopErr == "" && err != nil || tc.stopErr != "" && (err == nil || !strings.Contains(err.Error(), tc.stopErr)) {
				t.Errorf("Stop: %v, want %q", err, tc.stopErr)
			}
			if errors.Is(err, ErrStopTimeout) != tc.timeout {
				t.Errorf("Stop: %v, ErrStopTimeout %v", err, !tc.timeout)
			}
		})
	}
}

func TestArgsAndLog(t *testing.T) {
	t.Setenv(fakeEnv, "ok")
	var watched []string
	cfg := DefaultConfig()
	cfg.Bin, cfg.DataDir = os.Args[0], t.TempDir()
	cfg.Args = []string{"--xray-addr", "", "--retention", "7d"}
	cfg.LogLines = 2
	cfg.Watch = func(line string) { watched = append(watched, line) }
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if len(watched) != 3 {
		t.Fatalf("watched %d lines, want 3: %q", len(watched), watched)
	}
	var first struct{ Args []string }
	if err := json.Unmarshal([]byte(watched[0]), &first); err != nil {
		t.Fatal(err)
	}
	want := []string{"serve", "--data-dir", cfg.DataDir, "--http-addr", "127.0.0.1:0", "--otlp-grpc-addr", "127.0.0.1:0",
		"--otlp-http-addr", "127.0.0.1:0", "--xray-addr", "127.0.0.1:0", "--log-format", "json",
		"--xray-addr", "", "--retention", "7d"}
	if strings.Join(first.Args, "|") != strings.Join(want, "|") {
		t.Errorf("args %q, want %q", first.Args, want)
	}
	if got := s.Log(); got != strings.Join(watched[1:], "\n") {
		t.Errorf("Log() = %q, want the last two lines", got)
	}
}

func TestDescribedServer(t *testing.T) {
	s := &Server{HTTP: "http://127.0.0.1:8686"}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	s.Kill()
	if s.Log() != "" {
		t.Errorf("Log() = %q", s.Log())
	}
}

func TestValidate(t *testing.T) {
	ok := DefaultConfig()
	ok.Bin, ok.DataDir = "/bin/lookout", "/tmp/d"
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"ok", func(*Config) {}, ""},
		{"no bin", func(c *Config) { c.Bin = "" }, "bin"},
		{"no data dir", func(c *Config) { c.DataDir = "" }, "data dir"},
		{"zero timeout", func(c *Config) { c.StopTimeout = 0 }, "timeouts"},
		{"negative log lines", func(c *Config) { c.LogLines = -1 }, "log lines"},
	} {
		c := ok
		tc.edit(&c)
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := Start(Config{}); err == nil {
		t.Error("Start with an empty config succeeded")
	}
}
