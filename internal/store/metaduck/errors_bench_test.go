package metaduck

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// BenchmarkRecordOccurrences commits batches of 32 occurrences (1.5 KB of
// data each, 200 fingerprints) as the Rollbar writer does under load; it
// reports occurrences/s of the store alone, without HTTP and decoding.
//
//	go test ./internal/store/metaduck -run '^$' -bench RecordOccurrences -benchtime 200x
func BenchmarkRecordOccurrences(b *testing.B) {
	s, err := Open(context.Background(), Config{Path: filepath.Join(b.TempDir(), "meta.duckdb")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := []byte(`{"body":{"message":{"body":"` + strings.Repeat("x", 1500) + `"}}}`)
	observe := func(it *model.Item, o *model.ErrorOccurrence) { errortrack.Observe(it, o) }
	const batch = 32
	n := 0
	b.ResetTimer()
	for range b.N {
		occs := make([]*model.ErrorOccurrence, batch)
		for k := range occs {
			n++
			o := occ("default", fmt.Sprintf("fp-%d", n%200), fmt.Sprintf("u-%d", n), n)
			o.Data = data
			occs[k] = o
		}
		if _, err := s.RecordOccurrences(context.Background(), occs, observe); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "occurrences/s")
}

// BenchmarkErrorReads times the reads of Rollbar's REST API over 100,000
// occurrences of 1,000 items spread over 30 days, with 50 deploys: a q=
// search page (title words and a level), the hourly occurrence counts of
// the last day, the top 10 items of the last day, and the deploys of a
// page of 100 items.
//
//	go test ./internal/store/metaduck -run '^$' -bench ErrorReads -benchtime 20x
func BenchmarkErrorReads(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, Config{Path: filepath.Join(b.TempDir(), "meta.duckdb")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	observe := func(it *model.Item, o *model.ErrorOccurrence) { errortrack.Observe(it, o) }
	const total, items, batch = 100_000, 1000, 2000
	span := 30 * 24 * 3600 // seconds
	for n := 0; n < total; n += batch {
		occs := make([]*model.ErrorOccurrence, batch)
		for k := range occs {
			i := n + k
			occs[k] = occ("default", fmt.Sprintf("fp-%d", i%items), fmt.Sprintf("u-%d", i), i*span/total)
			occs[k].Title = fmt.Sprintf("KeyError: user %d not found", i%items)
		}
		if _, err := s.RecordOccurrences(ctx, occs, observe); err != nil {
			b.Fatal(err)
		}
	}
	for d := range 50 {
		if _, err := s.CreateDeploy(ctx, model.Deploy{Project: "default", Environment: "production", Revision: fmt.Sprintf("v%d", d),
			Status: model.DeploySucceeded, StartTime: t0.Add(time.Duration(d*span/50) * time.Second)}); err != nil {
			b.Fatal(err)
		}
	}
	end := t0.Add(time.Duration(span) * time.Second)
	day := store.CountQuery{Project: "default", Start: end.Add(-24 * time.Hour), Bucket: time.Hour, Buckets: 24}
	page, err := s.Items(ctx, store.ItemQuery{Project: "default"})
	if err != nil || len(page.Items) != 100 {
		b.Fatalf("items: %d, %v", len(page.Items), err)
	}
	ids := make([]int64, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	for _, c := range []struct {
		name string
		read func() error
	}{
		{"search", func() error {
			_, err := s.Items(ctx, store.ItemQuery{Project: "default", TitleContains: []string{"keyerror", "99"}, Levels: []model.Level{model.LevelError}})
			return err
		}},
		{"occurrence_counts", func() error { _, err := s.OccurrenceCounts(ctx, day); return err }},
		{"top_active_items", func() error { _, err := s.TopItems(ctx, day, 10); return err }},
		{"activating_deploys", func() error { _, err := s.ActivatingDeploys(ctx, "default", ids); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				if err := c.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
