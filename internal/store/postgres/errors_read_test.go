package postgres

import (
	"context"
	"fmt"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
)

// TestItemsQuery checks the filters, order, paging and level counts of
// Items on a few items.
func TestItemsQuery(t *testing.T) {
	withEnvLevel := func(o *model.ErrorOccurrence, env string, l model.Level) *model.ErrorOccurrence {
		o.Environment, o.Level = env, l
		return o
	}
	// Items by last occurrence, newest first: d, c, b, a.
	batch := []*model.ErrorOccurrence{
		withEnvLevel(occ("default", "a", "u1", 0), "production", model.LevelError),
		withEnvLevel(occ("default", "b", "u2", 10), "staging", model.LevelWarning),
		withEnvLevel(occ("default", "c", "u3", 20), "production", model.LevelWarning),
		withEnvLevel(occ("default", "c", "u4", 21), "dev", model.LevelWarning),
		withEnvLevel(occ("default", "d", "u5", 30), "production", model.LevelCritical),
		withEnvLevel(occ("web", "e", "u6", 40), "production", model.LevelError),
	}
	cases := []struct {
		name   string
		q      store.ItemQuery
		want   string // fingerprints of the page
		total  int64
		levels string // LevelCounts
	}{
		{"all", store.ItemQuery{}, "[d c b a]", 4, "map[warning:2 error:1 critical:1]"},
		{"levels", store.ItemQuery{Levels: []model.Level{model.LevelWarning, model.LevelCritical}}, "[d c b]", 3, "map[warning:2 error:1 critical:1]"},
		{"environment", store.ItemQuery{Environments: []string{"staging", "dev"}}, "[c b]", 2, "map[warning:2]"},
		{"environment and level", store.ItemQuery{Environments: []string{"production"}, Levels: []model.Level{model.LevelError}}, "[a]", 1, "map[warning:1 error:1 critical:1]"},
		{"status", store.ItemQuery{Statuses: []model.ItemStatus{model.StatusResolved}}, "[b]", 1, "map[warning:1]"},
		{"not resolved", store.ItemQuery{Statuses: []model.ItemStatus{model.StatusActive, model.StatusMuted}}, "[d c a]", 3, "map[warning:1 error:1 critical:1]"},
		{"page", store.ItemQuery{Offset: 1, Limit: 2}, "[c b]", 4, "map[warning:2 error:1 critical:1]"},
		{"past the end", store.ItemQuery{Offset: 9}, "[]", 4, "map[warning:2 error:1 critical:1]"},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
		recs := record(t, s, batch...)
		if _, err := s.UpdateItem(ctx, "default", recs[1].ItemID, func(it *model.Item) error {
			it.Status = model.StatusResolved
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for i, r := range recs {
			ids[batch[i].Fingerprint] = r.ItemID
		}
		cases := append(cases, struct {
			name   string
			q      store.ItemQuery
			want   string
			total  int64
			levels string
		}{"ids", store.ItemQuery{IDs: []int64{ids["a"], ids["d"], ids["e"]}}, "[d a]", 2, "map[error:1 critical:1]"})
		for _, c := range cases {
			c.q.Project = "default"
			page, err := s.Items(ctx, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var fps []string
			for _, it := range page.Items {
				fps = append(fps, it.Fingerprint)
			}
			if fmt.Sprint(fps) != c.want || page.Total != c.total || fmt.Sprint(page.LevelCounts) != c.levels {
				t.Errorf("%s: items %v total %d levels %v; want %s %d %s", c.name, fps, page.Total, page.LevelCounts, c.want, c.total, c.levels)
			}
		}
	})
}

// TestOccurrenceReads: occurrences of an item newest first and paged; by
// trace oldest first, limited, and only the project's.
func TestOccurrenceReads(t *testing.T) {
	trace, _ := model.ParseTraceID("4bf92f3577b34da6a3ce929d0e0e4736")
	withTrace := func(o *model.ErrorOccurrence) *model.ErrorOccurrence { o.TraceID = trace; return o }
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.openFresh(t)
		recs := record(t, s, withTrace(occ("default", "a", "u1", 5)), occ("default", "a", "u2", 1),
			withTrace(occ("default", "b", "u3", 3)), withTrace(occ("web", "a", "u4", 0)), occ("default", "a", "u5", 2))
		item := recs[0].ItemID
		uuids := func(os []model.ErrorOccurrence) string {
			var u []string
			for _, o := range os {
				u = append(u, o.UUID)
			}
			return fmt.Sprint(u)
		}
		reads := []struct {
			name string
			read func() ([]model.ErrorOccurrence, error)
			want string
		}{
			{"item, newest first", func() ([]model.ErrorOccurrence, error) { return s.Occurrences(ctx, "default", item, 0, 10) }, "[u5 u2 u1]"},
			{"item, second page", func() ([]model.ErrorOccurrence, error) { return s.Occurrences(ctx, "default", item, 1, 1) }, "[u2]"},
			{"item of another project", func() ([]model.ErrorOccurrence, error) { return s.Occurrences(ctx, "web", item, 0, 10) }, "[]"},
			{"trace, oldest first", func() ([]model.ErrorOccurrence, error) { return s.OccurrencesByTrace(ctx, "default", trace, 10) }, "[u3 u1]"},
			{"trace, limited", func() ([]model.ErrorOccurrence, error) { return s.OccurrencesByTrace(ctx, "default", trace, 1) }, "[u3]"},
			{"trace of another project", func() ([]model.ErrorOccurrence, error) { return s.OccurrencesByTrace(ctx, "web", trace, 10) }, "[u4]"},
		}
		for _, r := range reads {
			got, err := r.read()
			if err != nil || uuids(got) != r.want {
				t.Errorf("%s: %s, %v; want %s", r.name, uuids(got), err, r.want)
			}
		}
		if _, err := s.Occurrence(ctx, "web", recs[0].OccurrenceID); err == nil {
			t.Error("occurrence read through another project")
		}
	})
}
