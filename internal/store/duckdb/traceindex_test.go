package duckdb

import (
	"testing"
	"time"

	"lookout/internal/model"
)

// TestTraceIndex checks that a trace written in several commits, over two
// days, is found whole through the trace index, also after a partition
// from before the index (its table dropped) is reopened and backfilled.
func TestTraceIndex(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	day1 := t0.Truncate(24 * time.Hour).Add(24*time.Hour - time.Minute)
	var want int
	for i, start := range []time.Time{day1, day1.Add(30 * time.Second), day1.Add(2 * time.Minute), day1.Add(time.Hour)} {
		sp := testSpan(9, start)
		sp.SpanID = model.SpanID{byte(i + 1)}
		other := testSpan(8, start) // another trace in the same commits
		other.SpanID = model.SpanID{byte(i + 1)}
		if err := s.Write(t.Context(), &model.Batch{Spans: []model.Span{sp, other}}); err != nil {
			t.Fatal(err)
		}
		want++
	}
	check := func(when string, s *Store) {
		t.Helper()
		got, err := s.Trace(t.Context(), "p", model.TraceID{9})
		if err != nil || len(got) != want {
			t.Fatalf("%s: %d spans, %v; want %d", when, len(got), err, want)
		}
		if _, err := s.Trace(t.Context(), "p", model.TraceID{7}); err == nil {
			t.Errorf("%s: an absent trace was found", when)
		}
	}
	check("after the writes", s)
	for _, day := range []time.Time{day1, day1.Add(time.Hour)} {
		if _, err := s.db.ExecContext(t.Context(), "DROP TABLE p"+partName(day.UnixNano())+".main."+traceIndexTable); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = openTest(t, dir)
	defer s.Close()
	check("after the backfill", s)
}
