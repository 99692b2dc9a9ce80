package otlpconv_test

import (
	"compress/gzip"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"

	"lookout/internal/otlpconv/otlptest"
)

var update = flag.Bool("update", false, "rewrite testdata captures by running the real OTel Go SDK exporters")

// capture serves OTLP/HTTP and keeps the decompressed body of each request.
type capture struct {
	mu     sync.Mutex
	bodies map[string][][]byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.bodies[r.URL.Path] = append(c.bodies[r.URL.Path], b)
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
}

// TestCaptureSDKPayloads rewrites testdata/{traces,logs,metrics}_go_sdk.pb with what
// the real OTel Go SDK HTTP exporters send. Run: go test -run Capture -update.
func TestCaptureSDKPayloads(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the captures")
	}
	c := &capture{bodies: map[string][][]byte{}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	ctx := context.Background()
	te, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(srv.URL+"/v1/traces"),
		otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
	if err != nil {
		t.Fatal(err)
	}
	if err := otlptest.EmitTraces(ctx, te); err != nil {
		t.Fatal(err)
	}
	le, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(srv.URL+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := otlptest.EmitLogs(ctx, le); err != nil {
		t.Fatal(err)
	}
	me, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(srv.URL+"/v1/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	if err := otlptest.EmitMetrics(ctx, me); err != nil {
		t.Fatal(err)
	}
	for path, file := range map[string]string{"/v1/traces": "traces_go_sdk.pb", "/v1/logs": "logs_go_sdk.pb",
		"/v1/metrics": "metrics_go_sdk.pb"} {
		if n := len(c.bodies[path]); n != 1 {
			t.Fatalf("%s: got %d requests, want 1", path, n)
		}
		if err := os.WriteFile(filepath.Join("testdata", file), c.bodies[path][0], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
