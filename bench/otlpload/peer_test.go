package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadTelemetrygenLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tg.log")
	log := strings.Join([]string{
		"2026-12-03T14:05:30.519Z\tINFO\tchannelz/trace.go:200\t[core] Channel Connectivity change to READY\t{\"grpc_log\": true}",
		"2026-12-03T14:05:33.781Z\tINFO\ttraces/worker.go:180\ttraces generated\t{\"worker\": 1, \"traces\": 6250}",
		"2026/12/03 14:05:33 traces export: context deadline exceeded: rpc error: code = DeadlineExceeded",
		"2026-12-03T14:05:33.833Z\tINFO\ttraces/worker.go:180\ttraces generated\t{\"worker\": 3, \"traces\": 6249}",
		"2026-12-03T14:05:34.523Z\tINFO\tgrpclog/prefix_logger.go:42\tloopyWriter exiting with error: rpc error\t{\"grpc_log\": true}",
	}, "\n")
	if err := os.WriteFile(p, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	traces, errs, sample, err := readTelemetrygenLog(p)
	if err != nil || traces != 12499 || errs != 1 || !strings.Contains(sample, "deadline") {
		t.Fatalf("got %d traces, %d export errors (%q), %v", traces, errs, sample, err)
	}
}

func TestFindBinarySaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("GOBIN", "")
	t.Setenv("GOPATH", t.TempDir())
	_, err := findBinary("", "telemetrygen", telemetrygenInstall)
	if err == nil || !strings.Contains(err.Error(), telemetrygenInstall) {
		t.Fatalf("want the install command, got %v", err)
	}
	bin := filepath.Join(os.Getenv("GOPATH"), "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "telemetrygen"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := findBinary("", "telemetrygen", telemetrygenInstall); err != nil || p != filepath.Join(bin, "telemetrygen") {
		t.Fatalf("in $GOPATH/bin: %q, %v", p, err)
	}
	if _, err := findBinary("/nonexistent/jaeger", "jaeger", jaegerInstall); err == nil || !strings.Contains(err.Error(), "go build") {
		t.Fatalf("a missing -jaeger path: %v", err)
	}
}

func TestJaegerConfig(t *testing.T) {
	durable := jaegerConfig("/d", true, "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", 4)
	for _, want := range []string{"processors: []", "consistency: true", "ephemeral: false", "keys: /d/keys",
		"values: /d/values", "endpoint: 127.0.0.1:1", "port: 4"} {
		if !strings.Contains(durable, want) {
			t.Errorf("durable config lacks %q:\n%s", want, durable)
		}
	}
	shipped := jaegerConfig("/d", false, "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", 4)
	if !strings.Contains(shipped, "processors: [batch]") || !strings.Contains(shipped, "consistency: false") {
		t.Errorf("as-shipped config:\n%s", shipped)
	}
}

// fakeSearch answers searches with an id per window start second.
type fakeSearch struct {
	peerTarget
	calls int
}

func (f *fakeSearch) searchIDs(_ *http.Client, from, to time.Time, limit int) ([]string, error) {
	f.calls++
	var ids []string
	for i := range limit {
		ids = append(ids, fmt.Sprintf("%d-%d", from.Unix(), i))
	}
	return ids, nil
}

func TestCollectIDsSpreadsOverTheLoad(t *testing.T) {
	f := &fakeSearch{}
	t0 := time.Unix(1000, 0)
	ids, err := collectIDs(f, t0, t0.Add(100*time.Second), 25)
	if err != nil || len(ids) != 25 || f.calls != 10 {
		t.Fatalf("%d ids in %d searches, %v", len(ids), f.calls, err)
	}
	if ids[0] != "1000-0" || ids[24] != "1080-0" {
		t.Errorf("ids not spread over the windows: %v", ids)
	}
}

func TestJaegerCountSpans(t *testing.T) {
	body := `{"data":[{"traceID":"ab","spans":[{"spanID":"1","references":[]},{"spanID":"2","references":[{"spanID":"1"}]}]}]}`
	n, err := (&jaegerTarget{}).countSpans([]byte(body))
	if err != nil || n != 2 {
		t.Fatalf("%d spans, %v", n, err)
	}
}
