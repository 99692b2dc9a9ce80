package clickhouse

import (
	"sync/atomic"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"lookout/internal/model"
)

// TestTraceReadsFewGranules: a trace by id reads the trace index and the
// granules of its spans, not the table. 100,000 spans of one service over
// an hour; the trace's three spans lie within a millisecond.
func TestTraceReadsFewGranules(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 spans")
	}
	s := openTest(t, t.Name())
	defer s.Close()
	const n = 100_000
	spans := make([]model.Span, n)
	for i := range spans {
		start := nodesT0.Add(time.Duration(i) * time.Hour / n)
		spans[i] = model.Span{Project: "p1", TraceID: model.TraceID{0xaa, byte(i >> 16), byte(i >> 8), byte(i)},
			SpanID: model.SpanID{1, byte(i >> 16), byte(i >> 8), byte(i)}, Name: "op",
			StartUnixNano: start.UnixNano(), EndUnixNano: start.Add(time.Millisecond).UnixNano()}
	}
	target := spans[n/2].TraceID
	for _, i := range []int{n/2 + 1, n/2 + 2} {
		spans[i].TraceID = target
	}
	if err := s.Write(t.Context(), &model.Batch{Spans: spans}); err != nil {
		t.Fatal(err)
	}
	var read atomic.Uint64
	ctx := ch.Context(t.Context(), ch.WithProgress(func(p *ch.Progress) { read.Add(p.Rows) }))
	got, err := s.Trace(ctx, "p1", target)
	if err != nil || len(got) != 3 {
		t.Fatalf("trace: %d spans, %v; want 3", len(got), err)
	}
	// At most two granules of spans (8192 rows each) and two of the index.
	r := read.Load()
	if r == 0 || r > 2*8192+2*1024 {
		t.Errorf("trace by id read %d rows of %d spans", r, n)
	}
	t.Logf("trace by id read %d rows of %d spans", r, n)
}
