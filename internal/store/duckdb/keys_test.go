package duckdb

import (
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// TestKeyLists checks that every key written is known in the lists it was
// written to, after the write, after a restart, and for a partition written
// before keys were recorded (its key table dropped), and that queries on
// such keys answer as with every list read.
func TestKeyLists(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	sp := testSpan(1, t0)
	sp.Attributes = model.Attributes{{Key: "tier", Value: model.StringValue("gold")}, {Key: "both", Value: model.StringValue("span")}}
	sp.Resource.Attributes = model.Attributes{{Key: "service.name", Value: model.StringValue("api")},
		{Key: "region", Value: model.StringValue("eu")}, {Key: "both", Value: model.StringValue("res")}}
	lg := model.LogEvent{Project: "p", TimeUnixNano: t0.UnixNano(), Body: model.StringValue("x"),
		Attributes: model.Attributes{{Key: "user", Value: model.StringValue("u1")}}}
	if err := s.Write(t.Context(), &model.Batch{Spans: []model.Span{sp}, Logs: []model.LogEvent{lg}}); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		tbl, key string
		in       keyIn
	}{
		{"spans", "tier", inAttrs},
		{"spans", "region", inResource},
		{"spans", "both", inAttrs | inResource},
		{"spans", "user", 0},
		{"logs", "user", inAttrs},
		{"logs", "tier", 0},
	}
	check := func(when string, s *Store) {
		t.Helper()
		for _, w := range want {
			if in := s.keyLists(w.tbl, w.key); in != w.in {
				t.Errorf("%s: %s %q in %b, want %b", when, w.tbl, w.key, in, w.in)
			}
		}
		q := query.Query{Start: t0.Add(-time.Hour), End: t0.Add(time.Hour), Granularity: time.Hour,
			Breakdowns: []string{"tier", "region", "both", "nowhere"}}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		res, err := s.Query(t.Context(), "p", q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Results) != 1 || res.Results[0].Group[0] != "gold" || res.Results[0].Group[1] != "eu" ||
			res.Results[0].Group[2] != "span" || res.Results[0].Group[3] != nil {
			t.Errorf("%s: groups %+v, want [gold eu span <nil>]", when, res.Results)
		}
	}
	check("after the write", s)
	s.Close()

	s = openTest(t, dir)
	check("after a restart", s)
	// A partition from before keys were recorded has no key table: it is
	// filled from the rows when the partition is attached.
	if _, err := s.db.ExecContext(t.Context(), "DROP TABLE p"+partName(t0.UnixNano())+".main."+keysTable); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir)
	defer s.Close()
	check("after the backfill", s)
}

// TestKeysSavedOnce commits two batches that bring the same new key in one
// commit: the key table gets one row for it.
func TestKeysSavedOnce(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	var prepared []any
	for i := range 2 {
		sp := testSpan(byte(i+1), t0)
		sp.Attributes = model.Attributes{{Key: "tier", Value: model.StringValue("gold")}}
		e, err := s.Prepare(&model.Batch{Spans: []model.Span{sp}})
		if err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, e)
	}
	if err := s.WritePrepared(t.Context(), prepared); err != nil {
		t.Fatal(err)
	}
	var n int
	err := s.db.QueryRowContext(t.Context(), "SELECT count(*) FROM p"+partName(t0.UnixNano())+".main."+keysTable+
		" WHERE tbl = 'spans' AND key = 'tier'").Scan(&n)
	if err != nil || n != 1 {
		t.Errorf("%d rows for tier (%v), want 1", n, err)
	}
}
