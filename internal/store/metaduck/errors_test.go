package metaduck

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func openTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// occ is a small occurrence: project, fingerprint, uuid and an offset in
// seconds from t0 are what the tests vary.
func occ(project, fp, uuid string, sec int) *model.ErrorOccurrence {
	ts := t0.Add(time.Duration(sec) * time.Second)
	return &model.ErrorOccurrence{
		Project: project, Fingerprint: fp, UUID: uuid, Timestamp: ts, Received: ts,
		Environment: "production", Level: model.LevelError, Title: "E: " + fp, Class: "E",
		Message: "boom", Notifier: "rollbar-go 1.4.5", Data: []byte(`{"uuid":"` + uuid + `"}`),
	}
}

func record(t *testing.T, s *Store, occs ...*model.ErrorOccurrence) []store.Recorded {
	t.Helper()
	recs, err := s.RecordOccurrences(context.Background(), occs, func(it *model.Item, o *model.ErrorOccurrence) {
		errortrack.Observe(it, o)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(occs) {
		t.Fatalf("%d results for %d occurrences", len(recs), len(occs))
	}
	return recs
}

// TestRecordOccurrences records batches and checks deduplication, item
// upserts and per-project counters.
func TestRecordOccurrences(t *testing.T) {
	type want struct {
		project  string
		counter  int64
		fp       string
		total    int64
		envCount int
	}
	cases := []struct {
		name     string
		batches  [][]*model.ErrorOccurrence
		wantDups []bool // per occurrence, over all batches
		want     []want
	}{
		{
			name:     "one occurrence opens item #1",
			batches:  [][]*model.ErrorOccurrence{{occ("default", "a", "u1", 0)}},
			wantDups: []bool{false},
			want:     []want{{"default", 1, "a", 1, 1}},
		},
		{
			name: "same fingerprint upserts the item, in a batch and across batches",
			batches: [][]*model.ErrorOccurrence{
				{occ("default", "a", "u1", 0), occ("default", "a", "u2", 1)},
				{occ("default", "a", "u3", 2)},
			},
			wantDups: []bool{false, false, false},
			want:     []want{{"default", 1, "a", 3, 1}},
		},
		{
			name: "uuid dedupe: within a batch, across batches, empty uuids never",
			batches: [][]*model.ErrorOccurrence{
				{occ("default", "a", "u1", 0), occ("default", "a", "u1", 1), occ("default", "a", "", 2), occ("default", "a", "", 3)},
				{occ("default", "b", "u1", 4)},
			},
			wantDups: []bool{false, true, false, false, true},
			want:     []want{{"default", 1, "a", 3, 1}},
		},
		{
			name: "counters and uuids are per project",
			batches: [][]*model.ErrorOccurrence{
				{occ("default", "a", "u1", 0), occ("web", "a", "u1", 1), occ("web", "b", "u2", 2)},
				{occ("default", "c", "u3", 3), occ("web", "a", "u4", 4)},
			},
			wantDups: []bool{false, false, false, false, false},
			want: []want{
				{"default", 1, "a", 1, 1}, {"default", 2, "c", 1, 1},
				{"web", 1, "a", 2, 1}, {"web", 2, "b", 1, 1},
			},
		},
		{
			name: "environments accumulate",
			batches: [][]*model.ErrorOccurrence{{
				occ("default", "a", "u1", 0),
				func() *model.ErrorOccurrence { o := occ("default", "a", "u2", 1); o.Environment = "staging"; return o }(),
			}},
			wantDups: []bool{false, false},
			want:     []want{{"default", 1, "a", 2, 2}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
			defer s.Close()
			if _, err := s.CreateProject(ctx, "web"); err != nil {
				t.Fatal(err)
			}
			var dups []bool
			for _, b := range c.batches {
				for _, r := range record(t, s, b...) {
					dups = append(dups, r.Duplicate)
					if r.OccurrenceID == 0 {
						t.Errorf("occurrence id 0 in %+v", r)
					}
				}
			}
			if fmt.Sprint(dups) != fmt.Sprint(c.wantDups) {
				t.Errorf("duplicates %v, want %v", dups, c.wantDups)
			}
			for _, w := range c.want {
				it, err := s.ItemByCounter(ctx, w.project, w.counter)
				if err != nil {
					t.Fatalf("%s #%d: %v", w.project, w.counter, err)
				}
				if it.Fingerprint != w.fp || it.TotalOccurrences != w.total || len(it.Environments) != w.envCount {
					t.Errorf("%s #%d: fingerprint %q total %d environments %v; want %q %d %d", w.project, w.counter,
						it.Fingerprint, it.TotalOccurrences, it.Environments, w.fp, w.total, w.envCount)
				}
				occs, err := s.Occurrences(ctx, w.project, it.ID, 0, 100)
				if err != nil || int64(len(occs)) != w.total {
					t.Errorf("%s #%d: %d occurrences stored (%v), want %d", w.project, w.counter, len(occs), err, w.total)
				}
				if wp, _ := s.Project(ctx, w.project); it.ProjectID != wp.ID {
					t.Errorf("%s #%d: project id %d, want %d", w.project, w.counter, it.ProjectID, wp.ID)
				}
			}
			for _, p := range []string{"default", "web"} {
				page, err := s.Items(ctx, store.ItemQuery{Project: p})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, w := range c.want {
					if w.project == p {
						n++
					}
				}
				if int(page.Total) != n {
					t.Errorf("project %s: %d items, want %d", p, page.Total, n)
				}
			}
		})
	}
}

// TestErrorStoreSurvivesReopen commits occurrences, a lifecycle change, a
// project and a token, closes the database and reads everything back.
func TestErrorStoreSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.duckdb")
	s := openTest(t, path)
	if _, err := s.CreateProject(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	tok := model.AccessToken{Hash: "ab12", Project: "web", Name: "ci", Scopes: []string{"post_server_item", "read"}}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	first := occ("web", "a", "u1", 0)
	first.TraceID, _ = model.ParseTraceID("4bf92f3577b34da6a3ce929d0e0e4736")
	recs := record(t, s, first, occ("web", "a", "u2", 10), occ("web", "b", "u3", 20))
	itemA := recs[0].ItemID
	if _, err := s.UpdateItem(ctx, "web", itemA, func(it *model.Item) error {
		st := "resolved"
		v := "1.2.0"
		return errortrack.ApplyPatch(it, errortrack.Patch{Status: &st, ResolvedInVersion: &v}, t0.Add(time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openTest(t, path)
	defer s.Close()
	it, err := s.Item(ctx, "web", itemA)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != model.StatusResolved || it.ResolvedInVersion != "1.2.0" || !it.LastResolved.Equal(t0.Add(time.Minute)) ||
		it.TotalOccurrences != 2 || it.Counter != 1 || !it.FirstSeen.Equal(t0) || !it.LastSeen.Equal(t0.Add(10*time.Second)) {
		t.Errorf("item after reopen: %+v", it)
	}
	o, err := s.Occurrence(ctx, "web", recs[0].OccurrenceID)
	if err != nil || o.UUID != "u1" || o.TraceID != first.TraceID || string(o.Data) != `{"uuid":"u1"}` || !o.Timestamp.Equal(t0) {
		t.Errorf("occurrence after reopen: %+v, %v", o, err)
	}
	if got, err := s.OccurrencesByTrace(ctx, "web", first.TraceID, 10); err != nil || len(got) != 1 {
		t.Errorf("by trace after reopen: %d, %v", len(got), err)
	}
	if got, err := s.TokenByHash(ctx, "ab12"); err != nil || got.Project != "web" || !got.HasScope("read") {
		t.Errorf("token after reopen: %+v, %v", got, err)
	}
	// uuids are still known; counters and ids continue.
	recs2 := record(t, s, occ("web", "a", "u1", 30), occ("web", "c", "u4", 40))
	if !recs2[0].Duplicate || recs2[0].OccurrenceID != recs[0].OccurrenceID {
		t.Errorf("re-sent uuid after reopen: %+v", recs2[0])
	}
	if recs2[1].OccurrenceID <= recs[2].OccurrenceID {
		t.Errorf("occurrence id %d reused after reopen (last %d)", recs2[1].OccurrenceID, recs[2].OccurrenceID)
	}
	if c, err := s.Item(ctx, "web", recs2[1].ItemID); err != nil || c.Counter != 3 || c.ID <= recs[2].ItemID {
		t.Errorf("new item after reopen: %+v, %v", c, err)
	}
}

// TestLifecyclePersisted checks that reactivation by an occurrence is
// committed with the occurrence, and an older code_version is not.
func TestLifecyclePersisted(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	id := record(t, s, occ("default", "a", "u1", 0))[0].ItemID
	resolve := func(version string) {
		t.Helper()
		if _, err := s.UpdateItem(ctx, "default", id, func(it *model.Item) error {
			st := "resolved"
			return errortrack.ApplyPatch(it, errortrack.Patch{Status: &st, ResolvedInVersion: &version}, t0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		resolve    string // resolved_in_version to resolve with first, "-" for none
		version    string // the occurrence's code_version
		wantStatus model.ItemStatus
	}{
		{"2.0.0", "1.9.0", model.StatusResolved},
		{"-", "2.0.1", model.StatusActive},
		{"", "0.1", model.StatusActive},
	}
	for i, st := range steps {
		if st.resolve != "-" {
			resolve(st.resolve)
		}
		o := occ("default", "a", fmt.Sprintf("v%d", i), i+1)
		o.CodeVersion = st.version
		r := record(t, s, o)[0]
		it, err := s.Item(ctx, "default", id)
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != st.wantStatus {
			t.Errorf("step %d: status %s, want %s", i, it.Status, st.wantStatus)
		}
		if st.wantStatus == model.StatusActive && it.ActivatingOccurrenceID != r.OccurrenceID {
			t.Errorf("step %d: activating occurrence %d, want %d", i, it.ActivatingOccurrenceID, r.OccurrenceID)
		}
	}
	if _, err := s.UpdateItem(ctx, "default", 999, func(*model.Item) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of a missing item: %v, want ErrNotFound", err)
	}
	boom := errors.New("boom")
	if _, err := s.UpdateItem(ctx, "default", id, func(it *model.Item) error { it.Title = "x"; return boom }); !errors.Is(err, boom) {
		t.Errorf("failing edit: %v", err)
	}
	if it, _ := s.Item(ctx, "default", id); it.Title == "x" {
		t.Error("failing edit was committed")
	}
}

// TestRecentCountsAndRetention checks the read-time windows and that
// retention deletes occurrences but keeps item totals.
func TestRecentCountsAndRetention(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	recs := record(t, s, occ("default", "a", "u1", 0), occ("default", "a", "u2", -1800),
		occ("default", "a", "u3", -7200), occ("default", "b", "u4", -100000), occ("web", "a", "u5", 0))
	a, b := recs[0].ItemID, recs[3].ItemID
	since := []time.Time{t0.Add(-time.Hour), t0.Add(-24 * time.Hour)}
	got, err := s.RecentCounts(ctx, "default", []int64{a, b, 999}, since)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(map[int64][]int64{a: {2, 3}}) {
		t.Errorf("recent counts %v", got)
	}
	if got, err := s.RecentCounts(ctx, "default", nil, since); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v, %v", got, err)
	}
	n, err := s.DeleteOccurrencesBefore(ctx, t0.Add(-time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("deleted %d, %v; want 2", n, err)
	}
	if it, _ := s.Item(ctx, "default", a); it.TotalOccurrences != 3 {
		t.Errorf("total after retention %d, want 3", it.TotalOccurrences)
	}
	if occs, _ := s.Occurrences(ctx, "default", a, 0, 10); len(occs) != 2 {
		t.Errorf("%d occurrences after retention, want 2", len(occs))
	}
}

// TestAppenderJoinsErrorTransaction checks that rows appended in a write
// transaction that then fails are rolled back with it: the Appender's flush
// joins the open transaction rather than committing on its own.
func TestAppenderJoinsErrorTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	o := occ("default", "a", "u1", 0)
	o.ID, o.ItemID = 1, 1
	injected := errors.New("injected")
	err := s.inWriteTx(ctx, func(tx *txConn) error {
		if err := tx.appendRows("err_occurrences", [][]driver.Value{occurrenceRow(o)}); err != nil {
			return err
		}
		return injected
	})
	if !errors.Is(err, injected) {
		t.Fatalf("inWriteTx: %v, want the injected error", err)
	}
	if _, err := s.Occurrence(ctx, "default", 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("occurrence of the failed transaction is visible: %v", err)
	}
	// A malformed row fails the batch and leaves nothing either.
	err = s.inWriteTx(ctx, func(tx *txConn) error {
		return tx.appendRows("err_occurrences", [][]driver.Value{occurrenceRow(o), {"too few columns"}})
	})
	if err == nil {
		t.Fatal("append of a malformed row succeeded")
	}
	if _, err := s.Occurrence(ctx, "default", 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("occurrence of the failed append is visible: %v", err)
	}
	if r := record(t, s, occ("default", "a", "u1", 0)); r[0].Duplicate {
		t.Errorf("uuid of a rolled-back occurrence counts as stored: %+v", r[0])
	}
}
