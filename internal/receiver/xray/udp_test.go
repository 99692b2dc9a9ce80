package xray

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/xray/segment"
)

// startUDP serves a receiver on 127.0.0.1:0 until the test ends.
func startUDP(t *testing.T, sink Sink, mod func(*Config)) (*Receiver, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := testConfig()
	cfg.Registerer = reg
	cfg.RetryBackoff, cfg.MaxRetryBackoff = time.Millisecond, 5*time.Millisecond
	if mod != nil {
		mod(&cfg)
	}
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- r.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return r, reg
}

// testConfig listens on a free loopback port and logs nothing.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.UDPAddr, cfg.Logger = "127.0.0.1:0", slog.New(slog.DiscardHandler)
	return cfg
}

func dial(t *testing.T, r *Receiver) *net.UDPConn {
	t.Helper()
	c, err := net.DialUDP("udp", nil, r.UDPAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func send(t *testing.T, c *net.UDPConn, datagrams ...[]byte) {
	t.Helper()
	for _, d := range datagrams {
		if _, err := c.Write(d); err != nil {
			t.Fatal(err)
		}
	}
}

// segmentDatagram is a small valid segment; n makes its id unique.
func segmentDatagram(n int) []byte {
	return datagram(fmt.Appendf(nil, `{"name":"svc","id":"%016x",%s,%s}`, n+1, okTrace, okTimes))
}

// counter reads one counter or gauge.
func counter(m prometheus.Metric) float64 {
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		panic(err)
	}
	if out.Counter != nil {
		return out.Counter.GetValue()
	}
	return out.Gauge.GetValue()
}

// seriesCount counts the series of a registered metric family.
func seriesCount(t *testing.T, reg *prometheus.Registry, name string) int {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return len(f.Metric)
		}
	}
	return 0
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSDKToUDPReceiver: the real SDK sends to the receiver, which hands
// batches to a recording sink; the spans link up into the expected traces.
func TestSDKToUDPReceiver(t *testing.T) {
	sink := &recordingSink{}
	r, _ := startUDP(t, sink, func(c *Config) { c.MaxBatchDelay = 500 * time.Millisecond })
	app := startSDKApp(t, r.UDPAddr().String())
	for _, req := range sdkRequests {
		app.do(t, req)
	}
	waitIdle(func() int { return int(counter(r.m.received.WithLabelValues("udp"))) }, 300*time.Millisecond, 5*time.Second)
	waitFor(t, "commits", func() bool {
		return r.intake.HeldBytes() == 0 && counter(r.m.spansCommitted) == float64(len(sink.Spans()))
	})

	got := sink.Spans()
	datagrams := counter(r.m.received.WithLabelValues("udp"))
	if counter(r.m.parsed.WithLabelValues("udp")) != datagrams || len(sink.Reasons()) != 0 {
		t.Fatalf("%v of %v datagrams parsed; refusals %v", counter(r.m.parsed.WithLabelValues("udp")), datagrams, sink.Reasons())
	}
	if sink.Batches() >= int(datagrams) {
		t.Errorf("%d submits for %v datagrams: want them grouped", sink.Batches(), datagrams)
	}
	byID := map[model.SpanID]model.Span{}
	traces := map[model.TraceID]int{}
	for _, s := range got {
		// The SDK may send a segment again when a leaked subsegment's
		// context ends; a repeat must be the same span.
		if prev, dup := byID[s.SpanID]; dup && (prev.Name != s.Name || prev.TraceID != s.TraceID) {
			t.Errorf("span id %s used by %s and %s", s.SpanID, prev.Name, s.Name)
		}
		byID[s.SpanID] = s
		traces[s.TraceID]++
	}
	if len(traces) != len(sdkRequests) {
		t.Errorf("%d traces, want one per request (%d)", len(traces), len(sdkRequests))
	}
	// Every non-root span's parent arrived, across documents too: the
	// inventory segment hangs under the shop's HTTP call, streamed rows
	// under the report segment.
	var inventory, rows, open int
	for _, s := range byID {
		if s.ParentSpanID.IsZero() {
			if s.Name != "shop" || s.Kind != model.SpanKindServer {
				t.Errorf("root %s kind %d", s.Name, s.Kind)
			}
			continue
		}
		p, ok := byID[s.ParentSpanID]
		if !ok {
			t.Errorf("span %s: parent %s never arrived", s.Name, s.ParentSpanID)
			continue
		}
		if p.TraceID != s.TraceID {
			t.Errorf("span %s in another trace than its parent", s.Name)
		}
		switch {
		case s.Name == "inventory":
			inventory++
			if s.Kind != model.SpanKindServer || p.Kind != model.SpanKindClient || p.Resource.Service() != "shop" {
				t.Errorf("inventory segment under %s (kind %d)", p.Name, p.Kind)
			}
		case strings.HasPrefix(s.Name, "row-"):
			rows++
			if p.Name != "shop" {
				t.Errorf("%s under %s", s.Name, p.Name)
			}
		}
		if _, ok := s.Attributes.Get(segment.AttrInProgress); ok && s.Name == "forgotten-call" {
			open++
		}
	}
	if inventory != 2 || rows != 24 || open != 1 {
		t.Errorf("%d inventory segments, %d rows, %d open forgotten-call; want 2, 24, 1", inventory, rows, open)
	}
}

// TestMalformedDatagrams: bad input is counted with its reason and the
// reader goes on.
func TestMalformedDatagrams(t *testing.T) {
	sink := &recordingSink{}
	r, reg := startUDP(t, sink, nil)
	c := dial(t, r)
	send(t, c,
		[]byte("no header at all"),
		[]byte("{\"format\": \"json\", \"version\": 2}\n{}"),
		datagram([]byte(`{"name":"svc",`+okTrace+`,`+okTimes+`}`)),
		datagram([]byte(`{"name":"svc",`+okID+`,"trace_id":"1-zz",`+okTimes+`}`)),
		datagram([]byte(`{not json`)),
		datagram([]byte(`{"name":"` + strings.Repeat("x", MaxDocumentBytes) + `"}`)[:60000]),
		segmentDatagram(1),
	)
	waitFor(t, "the valid segment", func() bool { return len(sink.Spans()) == 1 })
	want := map[string]int{"bad_header": 2, "missing_id": 1, "bad_trace_id": 1, "invalid_json": 2}
	waitFor(t, "refusals", func() bool { return len(sink.Reasons()) == len(want) })
	for reason, n := range want {
		if got := sink.Reasons()[reason]; got != n {
			t.Errorf("sink: %d %s, want %d", got, reason, n)
		}
		if got := counter(r.m.rejected.WithLabelValues("udp", reason)); got != float64(n) {
			t.Errorf("metric: %v %s, want %d", got, reason, n)
		}
	}
	if n := seriesCount(t, reg, "lookout_xray_segments_rejected_total"); n != len(want) {
		t.Errorf("%d registered rejected series, want %d", n, len(want))
	}
	for _, f := range sink.Refusals() {
		if f.Reason == "bad_trace_id" && f.Service != "svc" {
			t.Errorf("a refused segment should name its service, got %q", f.Service)
		}
	}
}

// TestOversizeDatagram: a datagram over 64 KiB is refused as oversize.
func TestOversizeDatagram(t *testing.T) {
	sink := &recordingSink{}
	r, _ := startUDP(t, sink, nil)
	c := dial(t, r)
	if err := c.SetWriteBuffer(1 << 20); err != nil {
		t.Fatal(err)
	}
	big := datagram([]byte(`{"name":"` + strings.Repeat("x", MaxDocumentBytes-20) + `"}`))
	if _, err := c.Write(big); err != nil {
		t.Skipf("loopback refuses a %d-byte datagram: %v", len(big), err)
	}
	waitFor(t, "oversize", func() bool { return sink.Reasons()["oversize"] == 1 && len(sink.Logs()) == 1 })
}

// blockingSink holds every Submit until released.
type blockingSink struct {
	recordingSink
	release chan struct{}
}

func (s *blockingSink) Submit(ctx context.Context, b *model.Batch) (pipeline.Result, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return pipeline.Result{}, ctx.Err()
	}
	return s.recordingSink.Submit(ctx, b)
}

// TestOverloadedDrops: while the sink is stuck, the bounded queue fills and
// further datagrams are dropped and counted, never blocking the reader.
func TestOverloadedDrops(t *testing.T) {
	sink := &blockingSink{release: make(chan struct{})}
	r, _ := startUDP(t, sink, func(c *Config) { c.QueueDocuments, c.MaxBatchSpans = 2, 1 })
	c := dial(t, r)
	for i := range 50 {
		send(t, c, segmentDatagram(i))
	}
	waitFor(t, "datagrams", func() bool { return counter(r.m.received.WithLabelValues("udp")) == 50 })
	dropped := sink.Reasons()["overloaded"]
	if dropped == 0 || counter(r.m.rejected.WithLabelValues("udp", "overloaded")) != float64(dropped) {
		t.Fatalf("dropped %d", dropped)
	}
	close(sink.release)
	waitFor(t, "the kept ones", func() bool { return len(sink.Spans())+dropped == 50 })
	waitFor(t, "queue drained", func() bool { return r.intake.HeldBytes() == 0 })
	if n := len(sink.Logs()); n != 0 {
		t.Errorf("%d records of dropped datagrams: overload must not store what it had no room for", n)
	}
}

// TestRetry: retryable sink errors are retried; the spans arrive once.
func TestRetry(t *testing.T) {
	sink := &recordingSink{}
	sink.FailWith(pipeline.ErrOverloaded, pipeline.Retryable(errors.New("disk busy")))
	r, _ := startUDP(t, sink, nil)
	send(t, dial(t, r), segmentDatagram(1))
	waitFor(t, "the span", func() bool { return len(sink.Spans()) == 1 })
	if got := counter(r.m.retries); got != 2 {
		t.Errorf("%v retries, want 2", got)
	}
}

// TestBatching: spans are grouped up to MaxBatchSpans.
func TestBatching(t *testing.T) {
	sink := &recordingSink{}
	r, _ := startUDP(t, sink, func(c *Config) { c.MaxBatchSpans, c.MaxBatchDelay = 5, time.Hour })
	c := dial(t, r)
	for i := range 20 {
		send(t, c, segmentDatagram(i))
	}
	waitFor(t, "4 batches", func() bool { return sink.Batches() == 4 })
	for _, b := range sink.AcceptedBatches() {
		if len(b.Spans) != 5 {
			t.Errorf("batch of %d spans, want 5", len(b.Spans))
		}
	}
}
