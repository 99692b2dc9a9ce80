package otlp

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// panicSink panics on every Submit.
type panicSink struct{}

func (panicSink) Submit(context.Context, *model.Batch) (pipeline.Result, error) {
	panic("sink exploded")
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestPanicRecovery makes the sink panic under each transport and checks
// the client gets the protocol's internal error, the panic is logged with
// its stack and counted, the budget is given back and serving goes on.
func TestPanicRecovery(t *testing.T) {
	reg := prometheus.NewRegistry()
	var logs syncBuffer
	cfg := DefaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Registerer, cfg.Logger = reg, slog.New(slog.NewTextHandler(&logs, nil))
	r, err := New(cfg, panicSink{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) })

	tests := []struct {
		transport string
		send      func(t *testing.T)
	}{
		{"http", func(t *testing.T) {
			resp, err := http.Post("http://"+r.HTTPAddr().String()+PathTraces, ctProtobuf, bytes.NewReader(spansRequest(t, goodID)))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var st spb.Status
			if resp.StatusCode != http.StatusInternalServerError || proto.Unmarshal(body, &st) != nil || codes.Code(st.Code) != codes.Internal {
				t.Errorf("reply %d %q, want 500 with an Internal status", resp.StatusCode, body)
			}
		}},
		{"grpc", func(t *testing.T) {
			var req coltracepb.ExportTraceServiceRequest
			if err := proto.Unmarshal(spansRequest(t, goodID), &req); err != nil {
				t.Fatal(err)
			}
			_, err := coltracepb.NewTraceServiceClient(dial(t, r)).Export(context.Background(), &req)
			if code := status.Code(err); code != codes.Internal {
				t.Errorf("status %v (%v), want Internal", code, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.transport, func(t *testing.T) {
			for i := range 2 { // and again: the server still answers
				tt.send(t)
				var m dto.Metric
				_ = r.metrics.panics.WithLabelValues(tt.transport).Write(&m)
				if got := m.GetCounter().GetValue(); got != float64(i+1) {
					t.Errorf("lookout_otlp_panics_total{transport=%q} = %v, want %d", tt.transport, got, i+1)
				}
			}
			if n := r.inflight.held.Load(); n != 0 {
				t.Errorf("%d bytes still charged after the panic", n)
			}
		})
	}
	for _, want := range []string{"otlp handler panicked", "sink exploded", "panicSink.Submit", "transport=grpc", "transport=http"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}
