// Package compat holds the end-to-end tests: a real lookout process, built
// from this tree, and the official client libraries talking to it over
// loopback.
package compat

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lookout/internal/lookouttest"
)

var lookoutBin string

func TestMain(m *testing.M) {
	// With AWS_CA_BUNDLE set, every aws-sdk-go v1 session (the X-Ray SDK's
	// sampling pollers make one each) rewrites http.DefaultClient's
	// transport: a data race when two samplers run in this process. These
	// tests talk to loopback only and need no CA bundle.
	os.Unsetenv("AWS_CA_BUNDLE")
	if lookoutBin = os.Getenv(binEnv); lookoutBin != "" { // built by the run that started this one
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "lookout-compat")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lookoutBin = filepath.Join(dir, "lookout")
	build := exec.Command("go", "build", "-o", lookoutBin, "lookout/cmd/lookout")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build lookout:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// instance is a running lookout process.
type instance struct{ *lookouttest.Server }

// startLookout starts lookout on dataDir with every port chosen by the
// kernel, and waits until it says where it listens and /readyz answers. The
// test's cleanup stops it and, when the test failed, logs its log.
func startLookout(t *testing.T, dataDir string, extraArgs ...string) *instance {
	t.Helper()
	cfg := lookouttest.DefaultConfig()
	cfg.Bin, cfg.DataDir, cfg.Args = lookoutBin, dataDir, extraArgs
	s, err := lookouttest.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in := &instance{s}
	t.Cleanup(func() {
		in.stop(t)
		if t.Failed() {
			t.Logf("lookout log:\n%s", in.logText())
		}
	})
	return in
}

func (in *instance) logText() string { return in.Log() }

// stop asks lookout to shut down and waits for it; only a process that does
// not stop fails the test.
func (in *instance) stop(t *testing.T) {
	if err := in.Stop(); errors.Is(err, lookouttest.ErrStopTimeout) {
		t.Error(err)
	}
}

// kill ends lookout with SIGKILL: no shutdown code runs.
func (in *instance) kill() { in.Kill() }

// getJSON fetches url and decodes a JSON body into v, returning the status.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: decode %q: %v", url, body, err)
		}
	}
	return resp.StatusCode
}

// jsonSpan is a span for postSpans: its trace id is digit 32 times, its span
// id digit 16 times, and it lasts a microsecond from start.
type jsonSpan struct {
	digit string
	name  string
	start time.Time
}

// postSpans exports spans of service in one OTLP/JSON request to in and
// returns the reply's status and body.
func postSpans(t *testing.T, in *instance, service string, spans ...jsonSpan) (int, []byte) {
	t.Helper()
	var list []string
	for _, s := range spans {
		list = append(list, fmt.Sprintf(`{"traceId":%q,"spanId":%q,"name":%q,"startTimeUnixNano":"%d","endTimeUnixNano":"%d"}`,
			strings.Repeat(s.digit, 32), strings.Repeat(s.digit, 16), s.name, s.start.UnixNano(), s.start.UnixNano()+1000))
	}
	body := fmt.Sprintf(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},
	 "scopeSpans":[{"spans":[%s]}]}]}`, service, strings.Join(list, ","))
	resp, err := http.Post(in.OTLPHTTP+"/v1/traces", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, reply
}
