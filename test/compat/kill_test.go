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

// killProtocol is one protocol of the kill -9 test: how a writer sends and
// how the acknowledged units are found again.
type killProtocol struct {
	name    string
	writers int
	// open prepares writer w of round on in and returns its send: one
	// request holding a new unit (a trace, a batch of log events, an
	// occurrence) keyed key with items items, ok when it was acknowledged.
	open func(t *testing.T, in *instance, round, w int) (send func(seq uint64) (key string, items int, ok bool), closeFn func())
	// missing names the first acknowledged unit in acked (key → items) not
	// found whole in in, or is "".
	missing func(t *testing.T, in *instance, acked map[string]int) string
}

// killProtocols are every protocol with an acknowledgement.
func killProtocols() []killProtocol {
	return []killProtocol{
		{name: "otlp", writers: 3, open: openOTLPWriter, missing: missingTraces},
		{name: "x-ray PutTraceSegments", writers: 2, open: openXRayAPIWriter, missing: missingTraces},
		{name: "cloudwatch logs", writers: 2, open: openCloudWatchWriter, missing: missingLogEvents},
		{name: "rollbar", writers: 2, open: openRollbarWriter, missing: missingOccurrences},
	}
}

// TestKill9LosesNothingAcknowledged sends with the official clients of
// every protocol at once, from several goroutines each, kills lookout with
// SIGKILL mid-stream, restarts it on the same data directory and checks
// that every acknowledged trace, log event and occurrence is there, whole.
// Four rounds; OTLP alternates gRPC and HTTP.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills lookout several times")
	}
	dir := t.TempDir()
	protos := killProtocols()
	var seq atomic.Uint64
	for round := range 4 {
		in := startLookout(t, dir)
		var (
			mu    sync.Mutex
			acked = make([]map[string]int, len(protos))
			stop  atomic.Bool
			wg    sync.WaitGroup
		)
		for p, proto := range protos {
			acked[p] = map[string]int{}
			for w := range proto.writers {
				send, closeFn := proto.open(t, in, round, w)
				wg.Go(func() {
					defer closeFn()
					for !stop.Load() {
						if key, n, ok := send(seq.Add(1)); ok {
							mu.Lock()
							acked[p][key] = n
							mu.Unlock()
						}
					}
				})
			}
		}
		// Kill once every protocol has had an acknowledgement, at a moment
		// of chance after that.
		for everyAcked := false; !everyAcked; time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			everyAcked = true
			for p := range protos {
				everyAcked = everyAcked && len(acked[p]) > 0
			}
			mu.Unlock()
		}
		time.Sleep(time.Duration(200+rand.IntN(1300)) * time.Millisecond)
		in.kill()
		stop.Store(true)
		wg.Wait()

		after := startLookout(t, dir)
		for p, proto := range protos {
			if m := proto.missing(t, after, acked[p]); m != "" {
				t.Errorf("round %d, %s: acknowledged and lost after kill -9: %s", round, proto.name, m)
			} else {
				t.Logf("round %d, %s: %d acknowledged requests all present after kill -9", round, proto.name, len(acked[p]))
			}
		}
		after.stop(t)
		if t.Failed() {
			return
		}
	}
}

// openOTLPWriter exports batches of 200 spans of a new trace with the OTel
// exporter, over gRPC in even rounds and HTTP in odd ones.
func openOTLPWriter(t *testing.T, in *instance, round, _ int) (func(uint64) (string, int, bool), func()) {
	var (
		exp sdktrace.SpanExporter
		err error
	)
	if round%2 == 0 {
		exp, err = otlptracegrpc.New(context.Background(), otlptracegrpc.WithEndpoint(in.OTLPGRPC),
			otlptracegrpc.WithInsecure(), otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
	} else {
		exp, err = otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
			otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
	}
	if err != nil {
		t.Fatal(err)
	}
	send := func(seq uint64) (string, int, bool) {
		id, batch := spanBatch(seq, 200)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return id.String(), len(batch), exp.ExportSpans(ctx, batch) == nil
	}
	return send, func() { _ = exp.Shutdown(context.Background()) }
}

// missingTraces checks each acknowledged trace (key: its hex id) by id: it
// must hold as many distinct spans as were acknowledged.
func missingTraces(t *testing.T, in *instance, acked map[string]int) string {
	for id, n := range acked {
		var got otlpTrace
		if code := getJSON(t, in.HTTP+"/api/traces/"+id, &got); code != 200 {
			return fmt.Sprintf("trace %s: status %d", id, code)
		}
		if spans := got.distinctSpans(); spans != n {
			return fmt.Sprintf("trace %s has %d distinct spans, %d were acknowledged", id, spans, n)
		}
	}
	return ""
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
