package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"lookout/examples/cruddur"
	"lookout/internal/server"
)

// TestEnvIsWhatTheDemoUses: the variables `lookout env` prints configure
// the demo backend's SDKs for the same addresses.
func TestEnvIsWhatTheDemoUses(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.HTTPAddr, cfg.OTLP.HTTPAddr, cfg.XRayAddr = "0.0.0.0:9001", "127.0.0.1:9002", "127.0.0.1:9003"
	var out bytes.Buffer
	printEnv(&out, cfg)
	printed := map[string]string{}
	for line := range strings.SplitSeq(out.String(), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			printed[k] = v
		}
	}
	app, err := cruddur.ConfigFromEnv(func(k string) string { return printed[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := cruddur.DefaultConfig()
	want.OTLPEndpoint, want.XRayDaemonAddr, want.XRayEndpoint = "http://127.0.0.1:9002", "127.0.0.1:9003", "http://127.0.0.1:9003"
	want.CloudWatchLogsEndpoint, want.RollbarEndpoint = "http://127.0.0.1:9001", "http://127.0.0.1:9001/api/1/item/"
	if app != want {
		t.Errorf("from lookout env:\n%+v\nwant\n%+v\nprinted:\n%s", app, want, out.String())
	}
	for _, k := range []string{"AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ROLLBAR_ACCESS_TOKEN"} {
		if printed[k] == "" {
			t.Errorf("lookout env does not print %s:\n%s", k, out.String())
		}
	}
	var help bytes.Buffer
	if err := run(t.Context(), []string{"--help"}, &help, &help); err != nil || !strings.Contains(help.String(), "\n  demo ") {
		t.Errorf("--help: %v\n%s", err, help.String())
	}
}

// lockedBuffer is a bytes.Buffer written by one goroutine, read by another.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDemoRunsAndStops runs `lookout demo` on free ports until the
// backend's spans arrive, then stops it as Ctrl-C would.
func TestDemoRunsAndStops(t *testing.T) {
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "")
	// The demo's two X-Ray samplers each make an aws-sdk-go v1 session,
	// which with AWS_CA_BUNDLE set rewrites http.DefaultClient's transport:
	// a data race under -race. The demo talks to loopback only.
	t.Setenv("AWS_CA_BUNDLE", "")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data-dir", t.TempDir(), "--rate", "20",
			"--http-addr", "127.0.0.1:0", "--otlp-grpc-addr", "", "--otlp-http-addr", "127.0.0.1:0",
			"--xray-addr", "127.0.0.1:0", "--app-addr", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	uiRE := regexp.MustCompile(`UI +(http://\S+)/`)
	deadline := time.Now().Add(time.Minute)
	var ui string
	for ui == "" {
		if m := uiRE.FindStringSubmatch(stdout.String()); m != nil {
			ui = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("demo ended before printing its UI address: %v\n%s\n%s", err, stdout.String(), stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no UI address printed:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for backendSpans := int64(0); backendSpans == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("no span of %s arrived:\n%s", cruddur.BackendService, stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
		resp, err := client.Get(ui + "/api/status")
		if err != nil {
			continue
		}
		var st struct {
			Streams []struct {
				Kind     string `json:"kind"`
				Service  string `json:"service"`
				Accepted int64  `json:"acceptedSinceStart"`
			} `json:"streams"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		for _, s := range st.Streams {
			if s.Kind == "spans" && s.Service == cruddur.BackendService {
				backendSpans = s.Accepted
			}
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo stopped with: %v\n%s", err, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("demo did not stop within a minute of its context ending")
	}
	if !strings.Contains(stdout.String(), "stopping:") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}
