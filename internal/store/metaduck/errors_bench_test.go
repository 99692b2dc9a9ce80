package metaduck

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"lookout/internal/errortrack"
	"lookout/internal/model"
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
