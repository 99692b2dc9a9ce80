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

// TestTraceIndexMerge checks lookups across the tail and the sorted run: a
// trace committed in pieces before and after a merge is found whole, the
// merge leaves one sorted row per trace, and a tail grown past its share is
// merged in the background after the write returns.
func TestTraceIndexMerge(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	ctx := t.Context()
	spanOf := func(trace uint32, n byte, start time.Time) model.Span {
		sp := testSpan(0, start)
		sp.TraceID = model.TraceID{byte(trace >> 24), byte(trace >> 16), byte(trace >> 8), byte(trace), 1}
		sp.SpanID = model.SpanID{n, 1}
		return sp
	}
	write := func(spans ...model.Span) {
		t.Helper()
		if err := s.Write(ctx, &model.Batch{Spans: spans}); err != nil {
			t.Fatal(err)
		}
	}
	counts := func() (tail, sorted int64) {
		t.Helper()
		s.mu.Lock()
		p := s.parts[partName(t0.UnixNano())]
		s.mu.Unlock()
		err := s.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM "+p.catalog+".main."+traceIndexTable+
			"), (SELECT count(*) FROM "+p.catalog+".main."+traceSortedTable+")").Scan(&tail, &sorted)
		if err != nil {
			t.Fatal(err)
		}
		return tail, sorted
	}
	check := func(when string, want map[uint32]int) {
		t.Helper()
		for trace, n := range want {
			got, err := s.Trace(ctx, "p", spanOf(trace, 0, t0).TraceID)
			if err != nil || len(got) != n {
				t.Fatalf("%s: trace %d: %d spans, %v; want %d", when, trace, len(got), err, n)
			}
		}
		if _, err := s.Trace(ctx, "p", spanOf(999, 0, t0).TraceID); err == nil {
			t.Fatalf("%s: an absent trace was found", when)
		}
	}

	// Traces 1..3 in two commits each, then a merge, then more pieces.
	write(spanOf(1, 1, t0), spanOf(2, 1, t0), spanOf(3, 1, t0.Add(time.Minute)))
	write(spanOf(1, 2, t0.Add(time.Second)), spanOf(3, 2, t0.Add(-time.Minute)))
	if tail, sorted := counts(); tail != 5 || sorted != 0 {
		t.Fatalf("before the merge: tail %d, sorted %d rows; want 5, 0", tail, sorted)
	}
	s.wmu.Lock()
	err := s.sortTraceIndex(ctx, s.parts[partName(t0.UnixNano())])
	s.wmu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if tail, sorted := counts(); tail != 0 || sorted != 3 {
		t.Fatalf("after the merge: tail %d, sorted %d rows; want 0, 3", tail, sorted)
	}
	check("after the merge", map[uint32]int{1: 2, 2: 1, 3: 2})
	write(spanOf(2, 2, t0.Add(time.Hour)), spanOf(4, 1, t0))
	check("tail and run", map[uint32]int{1: 2, 2: 2, 3: 2, 4: 1})

	// A tail of minTraceTail traces is merged after the write.
	var many []model.Span
	for i := range uint32(minTraceTail) {
		many = append(many, spanOf(1000+i, 1, t0.Add(time.Duration(i)*time.Millisecond)))
	}
	write(many...)
	deadline := time.Now().Add(time.Minute)
	for tail, _ := counts(); tail != 0; tail, _ = counts() {
		if time.Now().After(deadline) {
			t.Fatalf("the tail of %d rows was not merged", tail)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, sorted := counts(); sorted != minTraceTail+4 {
		t.Fatalf("sorted run: %d rows; want %d", sorted, minTraceTail+4)
	}
	check("after the background merge", map[uint32]int{1: 2, 2: 2, 4: 1, 1000: 1, 1000 + minTraceTail/2: 1, 999 + minTraceTail: 1})
	s.Close()
	s = openTest(t, dir)
	check("after reopening", map[uint32]int{1: 2, 3: 2, 1000 + minTraceTail/3: 1})
	s.Close()
}
