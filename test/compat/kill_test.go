package compat

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// TestKill9LosesNothingAcknowledged exports spans with the real exporters
// from several goroutines, kills lookout with SIGKILL mid-stream, restarts it
// on the same data directory and checks that every span whose export was
// acknowledged is there. Repeated, alternating gRPC and HTTP.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills lookout several times")
	}
	dir := t.TempDir()
	var seq atomic.Uint64
	for round := range 4 {
		in := startLookout(t, dir)
		newExporter := func() (sdktrace.SpanExporter, error) {
			if round%2 == 0 {
				return otlptracegrpc.New(context.Background(), otlptracegrpc.WithEndpoint(in.OTLPGRPC),
					otlptracegrpc.WithInsecure(), otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
			}
			return otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
				otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
		}
		var (
			mu    sync.Mutex
			acked = map[trace.TraceID]int{}
			stop  atomic.Bool
			wg    sync.WaitGroup
		)
		for range 4 {
			exp, err := newExporter()
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				defer exp.Shutdown(context.Background())
				for !stop.Load() {
					id, batch := spanBatch(seq.Add(1), 200)
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					err := exp.ExportSpans(ctx, batch)
					cancel()
					if err == nil {
						mu.Lock()
						acked[id] = len(batch)
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		in.kill()
		stop.Store(true)
		wg.Wait()
		if len(acked) == 0 {
			t.Fatalf("round %d: no export was acknowledged before the kill", round)
		}

		after := startLookout(t, dir)
		for id, n := range acked {
			var got otlpTrace
			if code := getJSON(t, after.HTTP+"/api/traces/"+id.String(), &got); code != 200 {
				t.Fatalf("round %d: acknowledged trace %s: status %d after restart", round, id, code)
			}
			spans := map[string]bool{}
			for _, rs := range got.ResourceSpans {
				for _, ss := range rs.ScopeSpans {
					for _, s := range ss.Spans {
						spans[s.SpanID] = true
					}
				}
			}
			if len(spans) != n {
				t.Fatalf("round %d: trace %s has %d distinct spans after restart, %d were acknowledged", round, id, len(spans), n)
			}
		}
		t.Logf("round %d: %d acknowledged batches of 200 spans all present after kill -9", round, len(acked))
		after.stop(t)
	}
}

// spanBatch builds n spans of one new trace, as the SDK would hand them to an
// exporter.
func spanBatch(seq uint64, n int) (trace.TraceID, []sdktrace.ReadOnlySpan) {
	var tid trace.TraceID
	binary.BigEndian.PutUint64(tid[:8], uint64(time.Now().UnixNano()))
	binary.BigEndian.PutUint64(tid[8:], seq)
	res := resource.NewSchemaless(attribute.String("service.name", "kill-test"))
	now := time.Now()
	stubs := make(tracetest.SpanStubs, n)
	for i := range stubs {
		var sid trace.SpanID
		binary.BigEndian.PutUint64(sid[:], seq<<20|uint64(i+1))
		stubs[i] = tracetest.SpanStub{
			Name:        fmt.Sprintf("op-%d", i%10),
			SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
			SpanKind:    trace.SpanKindServer,
			StartTime:   now,
			EndTime:     now.Add(time.Duration(i) * time.Millisecond),
			Attributes:  []attribute.KeyValue{attribute.Int("i", i), attribute.String("http.route", "/kill")},
			Resource:    res,
		}
	}
	return tid, stubs.Snapshots()
}
