package clickhouse

import (
	"errors"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

var nodesT0 = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)

func testSpan(trace byte, name string) model.Span {
	return model.Span{Project: "p1", TraceID: model.TraceID{0xfe, 15: trace}, SpanID: model.SpanID{0x80, 7: trace},
		ParentSpanID: model.SpanID{7: 1}, Name: name, StartUnixNano: nodesT0.UnixNano(), EndUnixNano: nodesT0.Add(time.Millisecond).UnixNano()}
}

// TestTwoNodes: what one node's Write acknowledged, another node reads at
// once: the stores keep no state of their own.
func TestTwoNodes(t *testing.T) {
	a := openTest(t, t.Name())
	defer a.Close()
	b := openTest(t, t.Name())
	defer b.Close()
	for i := range 5 {
		sp := testSpan(byte(i+1), "op")
		if err := a.Write(t.Context(), &model.Batch{Spans: []model.Span{sp}}); err != nil {
			t.Fatal(err)
		}
		got, err := b.Trace(t.Context(), "p1", sp.TraceID)
		if err != nil || len(got) != 1 {
			t.Fatalf("write %d: the other node reads %d spans, %v", i, len(got), err)
		}
	}
}

// TestWritePreparedOneInsert: batches prepared apart are committed in one
// INSERT per table, one new part each.
func TestWritePreparedOneInsert(t *testing.T) {
	s := openTest(t, t.Name())
	defer s.Close()
	var prepared []any
	for i := range 3 {
		p, err := s.Prepare(&model.Batch{Spans: []model.Span{testSpan(byte(i+1), "op")},
			Logs: []model.LogEvent{{Project: "p1", TimeUnixNano: nodesT0.UnixNano(), Body: model.StringValue("x")}}})
		if err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, p)
	}
	if err := s.WritePrepared(t.Context(), prepared); err != nil {
		t.Fatal(err)
	}
	var parts, rows uint64
	err := s.conn.QueryRow(t.Context(), "SELECT count(), sum(rows) FROM system.parts WHERE database = ? AND table = 'spans' AND active",
		s.db).Scan(&parts, &rows)
	if err != nil || parts != 1 || rows != 3 {
		t.Errorf("spans: %d parts of %d rows (%v), want 1 part of 3", parts, rows, err)
	}
	if err := s.WritePrepared(t.Context(), []any{"not prepared"}); err == nil {
		t.Error("write of a value Prepare did not make: want an error")
	}
}

func TestSyncInsertSettings(t *testing.T) {
	cases := []struct {
		major, minor uint64
		async        bool
	}{{18, 16, false}, {21, 10, false}, {21, 11, true}, {24, 3, true}}
	for _, c := range cases {
		v := &driver.ServerVersion{}
		v.Version.Major, v.Version.Minor = c.major, c.minor
		got := syncInsertSettings(v)
		if _, set := got["async_insert"]; set != c.async {
			t.Errorf("%d.%d: settings %v, want async_insert set: %v", c.major, c.minor, got, c.async)
		}
	}
}

// TestQueryIDColumns: id columns render as Go renders the ids, with their
// leading zeros.
func TestQueryIDColumns(t *testing.T) {
	s := openTest(t, t.Name())
	defer s.Close()
	sp := testSpan(1, "op")
	sp.TraceID = model.TraceID{0, 0, 0, 1, 8: 0xff, 15: 0x0a}
	if err := s.Write(t.Context(), &model.Batch{Spans: []model.Span{sp}}); err != nil {
		t.Fatal(err)
	}
	q := query.Query{Start: nodesT0, End: nodesT0.Add(time.Hour), Granularity: time.Hour,
		Breakdowns: []string{query.ColTraceID, query.ColSpanID, query.ColParentID}}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := s.Query(t.Context(), "p1", q)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{sp.TraceID.String(), sp.SpanID.String(), sp.ParentSpanID.String()}
	if len(res.Results) != 1 || len(res.Results[0].Group) != 3 {
		t.Fatalf("results %+v", res.Results)
	}
	for i, w := range want {
		if res.Results[0].Group[i] != w {
			t.Errorf("%s: %v, want %v", q.Breakdowns[i], res.Results[0].Group[i], w)
		}
	}
}

func TestClosed(t *testing.T) {
	s := openTest(t, t.Name())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if err := s.Write(t.Context(), &model.Batch{Spans: []model.Span{testSpan(1, "op")}}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if _, err := s.Trace(t.Context(), "p1", model.TraceID{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("trace after close: %v", err)
	}
	for _, err := range s.Logs(t.Context(), store.LogQuery{Project: "p1"}) {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("logs after close: %v", err)
		}
	}
}
