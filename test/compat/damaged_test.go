package compat

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// exportAt sends n spans of a new trace starting at at, with the real
// exporter, and returns the trace id.
func exportAt(t *testing.T, in *instance, seq uint64, at time.Time, n int) trace.TraceID {
	t.Helper()
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Shutdown(context.Background())
	var tid trace.TraceID
	binary.BigEndian.PutUint64(tid[:8], uint64(at.UnixNano()))
	binary.BigEndian.PutUint64(tid[8:], seq)
	res := resource.NewSchemaless(attribute.String("service.name", "damage-test"))
	stubs := make(tracetest.SpanStubs, n)
	for i := range stubs {
		var sid trace.SpanID
		binary.BigEndian.PutUint64(sid[:], seq<<20|uint64(i+1))
		stubs[i] = tracetest.SpanStub{Name: fmt.Sprintf("op-%d", i%10), Resource: res,
			SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
			StartTime:   at.Add(time.Duration(i) * time.Millisecond), EndTime: at.Add(time.Duration(i+1) * time.Millisecond),
			Attributes: []attribute.KeyValue{attribute.String("filler", filler(seq<<20|uint64(i), 200))}}
	}
	if err := exp.ExportSpans(context.Background(), stubs.Snapshots()); err != nil {
		t.Fatal(err)
	}
	return tid
}

func traceStatus(t *testing.T, in *instance, id trace.TraceID) int {
	return getJSON(t, in.HTTP+"/api/traces/"+id.String(), nil)
}

// TestDamagedPartitionAtStartup damages one day's partition file while
// lookout is stopped: it starts, sets the file aside (kept, listed in
// /api/status and /metrics), serves the other day, searches across every
// day, and writes the damaged day into a new file.
func TestDamagedPartitionAtStartup(t *testing.T) {
	now := time.Now().UTC()
	older := now.Add(-48 * time.Hour)
	cases := []struct {
		name    string
		damaged time.Time // the day whose file is damaged
		damage  func(path string) error
	}{
		{"newest truncated", now, func(p string) error {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, fi.Size()/2)
		}},
		{"older emptied", older, func(p string) error { return os.Truncate(p, 0) }},
		{"older garbage", older, func(p string) error {
			return os.WriteFile(p, bytes.Repeat([]byte("this is not a database "), 20000), 0o644)
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			in := startLookout(t, dir)
			ids := map[string]trace.TraceID{}
			for j, at := range []time.Time{older, now} {
				ids[at.Format("20060102")] = exportAt(t, in, uint64(100*i+j+1), at, 2000)
			}
			in.stop(t)
			day := c.damaged.Format("20060102")
			path := filepath.Join(dir, "store", "parts", day+".duckdb")
			if err := c.damage(path); err != nil {
				t.Fatal(err)
			}

			in = startLookout(t, dir)
			for d, id := range ids {
				want := http.StatusOK
				if d == day {
					want = http.StatusNotFound
				}
				if code := traceStatus(t, in, id); code != want {
					t.Errorf("trace of day %s: status %d, want %d", d, code, want)
				}
			}
			search := fmt.Sprintf("%s/api/search?start=%d&end=%d", in.HTTP, now.Add(-72*time.Hour).Unix(), now.Add(time.Minute).Unix())
			if code := getJSON(t, search, nil); code != http.StatusOK {
				t.Errorf("search over every day: status %d", code)
			}
			var st struct {
				DamagedFiles []struct {
					Path    string `json:"path"`
					MovedTo string `json:"movedTo"`
					Reason  string `json:"reason"`
				} `json:"damagedFiles"`
			}
			if code := getJSON(t, in.HTTP+"/api/status", &st); code != 200 || len(st.DamagedFiles) != 1 || st.DamagedFiles[0].Path != path {
				t.Fatalf("status %d, damaged files %+v, want %s", code, st.DamagedFiles, path)
			}
			if _, err := os.Stat(st.DamagedFiles[0].MovedTo); err != nil {
				t.Errorf("the damaged file is not kept: %v", err)
			}
			if m := get(t, in.HTTP+"/metrics"); !strings.Contains(m, "lookout_damaged_files 1") {
				t.Errorf("metrics:\n%s", grep(m, "damaged"))
			}
			if !strings.Contains(in.logText(), "damaged partition file set aside") {
				t.Errorf("nothing in the log about the damaged file")
			}
			again := exportAt(t, in, uint64(100*i+50), c.damaged, 10)
			if code := traceStatus(t, in, again); code != http.StatusOK {
				t.Errorf("a trace written to the damaged day afterwards: status %d", code)
			}
		})
	}
}

// runToEnd runs lookout to its end and returns what it printed.
func runToEnd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, lookoutBin, args...).CombinedOutput()
	return string(out), err
}

// TestDamagedMetadataAtStartup damages meta.duckdb while lookout is
// stopped: lookout refuses to start, naming the file and the way back;
// `lookout repair` sets it aside and starts a new one with what can be
// read, and lookout then starts and takes error reports.
func TestDamagedMetadataAtStartup(t *testing.T) {
	cases := []struct {
		name   string
		damage func(path string) error
	}{
		{"garbage", func(p string) error { return os.WriteFile(p, bytes.Repeat([]byte("garbage "), 50000), 0o644) }},
		{"truncated", func(p string) error {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, fi.Size()/2)
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			in := startLookout(t, dir)
			for n := range 200 {
				if code, err := postRollbar(in.HTTP, fmt.Sprintf("%032x", 1000*i+n+1), fmt.Sprintf("00000000-0000-4000-8000-%012d", n), uint64(n)); err != nil || code != 200 {
					t.Fatalf("report %d: %d %v", n, code, err)
				}
			}
			in.stop(t)
			meta := filepath.Join(dir, "meta.duckdb")
			if err := c.damage(meta); err != nil {
				t.Fatal(err)
			}

			out, err := runToEnd(t, "serve", "--data-dir", dir, "--http-addr", "127.0.0.1:0",
				"--otlp-grpc-addr", "", "--otlp-http-addr", "", "--xray-addr", "")
			if err == nil || !strings.Contains(out, meta) || !strings.Contains(out, "lookout repair --data-dir "+dir) {
				t.Fatalf("lookout on a damaged metadata store: %v\n%s", err, out)
			}

			out, err = runToEnd(t, "repair", "--data-dir", dir)
			if err != nil || !strings.Contains(out, "kept as "+meta+".damaged-") {
				t.Fatalf("repair: %v\n%s", err, out)
			}
			t.Logf("repair:\n%s", out)
			in = startLookout(t, dir)
			if code, err := postRollbar(in.HTTP, fmt.Sprintf("%032x", 9999), "00000000-0000-4000-8000-999999999999", 9999); err != nil || code != 200 {
				t.Fatalf("report after repair: %d %v", code, err)
			}
		})
	}
}
