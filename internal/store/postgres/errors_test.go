package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

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
	withEnv := func(o *model.ErrorOccurrence, env string) *model.ErrorOccurrence { o.Environment = env; return o }
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
			name: "a stored uuid re-sent twice in one batch",
			batches: [][]*model.ErrorOccurrence{
				{occ("default", "a", "u1", 0)},
				{occ("default", "a", "u1", 1), occ("default", "b", "u2", 2), occ("default", "a", "u1", 3)},
			},
			wantDups: []bool{false, true, false, true},
			want:     []want{{"default", 1, "a", 1, 1}, {"default", 2, "b", 1, 1}},
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
			name: "new items take counters in the order of their first occurrence",
			batches: [][]*model.ErrorOccurrence{
				{occ("default", "z", "u1", 0), occ("default", "m", "u2", 1), occ("default", "z", "u3", 2), occ("default", "a", "u4", 3)},
			},
			wantDups: []bool{false, false, false, false},
			want:     []want{{"default", 1, "z", 2, 1}, {"default", 2, "m", 1, 1}, {"default", 3, "a", 1, 1}},
		},
		{
			name:     "environments accumulate",
			batches:  [][]*model.ErrorOccurrence{{occ("default", "a", "u1", 0), withEnv(occ("default", "a", "u2", 1), "staging")}},
			wantDups: []bool{false, false},
			want:     []want{{"default", 1, "a", 2, 2}},
		},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.openFresh(t)
				if _, err := s.CreateProject(ctx, "web"); err != nil {
					t.Fatal(err)
				}
				var dups []bool
				for _, batch := range c.batches {
					for _, r := range record(t, s, batch...) {
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
					if int(page.Total) != n || len(page.Items) != n {
						t.Errorf("project %s: %d items (%d on the page), want %d", p, page.Total, len(page.Items), n)
					}
				}
			})
		}
	})
}

// TestErrorStoreSurvivesReopen commits occurrences, a lifecycle change, a
// project and a token, closes the store and reads everything back.
func TestErrorStoreSurvivesReopen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.fresh(t)
		s := b.open(t, loc)
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
			st, v := "resolved", "1.2.0"
			return errortrack.ApplyPatch(it, errortrack.Patch{Status: &st, ResolvedInVersion: &v}, t0.Add(time.Minute))
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s = b.open(t, loc)
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
		if !recs2[0].Duplicate || recs2[0].OccurrenceID != recs[0].OccurrenceID || recs2[0].ItemID != itemA {
			t.Errorf("re-sent uuid after reopen: %+v", recs2[0])
		}
		if recs2[1].OccurrenceID <= recs[2].OccurrenceID {
			t.Errorf("occurrence id %d reused after reopen (last %d)", recs2[1].OccurrenceID, recs[2].OccurrenceID)
		}
		if c, err := s.Item(ctx, "web", recs2[1].ItemID); err != nil || c.Counter != 3 || c.ID <= recs[2].ItemID {
			t.Errorf("new item after reopen: %+v, %v", c, err)
		}
	})
}

// TestLifecyclePersisted checks that reactivation by an occurrence is
// committed with the occurrence, an older code_version is not, and
// UpdateItem's errors.
func TestLifecyclePersisted(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
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
		if _, err := s.UpdateItem(ctx, "web", id, func(*model.Item) error { return nil }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("update of another project's item: %v, want ErrNotFound", err)
		}
		boom := errors.New("boom")
		if _, err := s.UpdateItem(ctx, "default", id, func(it *model.Item) error { it.Title = "x"; return boom }); err != boom {
			t.Errorf("failing edit: %v, want the edit's error as is", err)
		}
		if it, _ := s.Item(ctx, "default", id); it.Title == "x" {
			t.Error("failing edit was committed")
		}
		got, err := s.UpdateItem(ctx, "default", id, func(it *model.Item) error { it.Title, it.TitleLock = "renamed", true; return nil })
		if it, _ := s.Item(ctx, "default", id); err != nil || got.Title != "renamed" || it.Title != "renamed" || !it.TitleLock {
			t.Errorf("edit: returned %q, stored %+v, %v", got.Title, it, err)
		}
	})
}

// TestRecentCountsAndRetention checks the read-time windows and that
// retention deletes occurrences but keeps item totals.
func TestRecentCountsAndRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
		recs := record(t, s, occ("default", "a", "u1", 0), occ("default", "a", "u2", -1800),
			occ("default", "a", "u3", -7200), occ("default", "b", "u4", -100000), occ("web", "a", "u5", 0))
		a, bID := recs[0].ItemID, recs[3].ItemID
		since := []time.Time{t0.Add(-time.Hour), t0.Add(-24 * time.Hour)}
		got, err := s.RecentCounts(ctx, "default", []int64{a, bID, 999}, since)
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
	})
}
