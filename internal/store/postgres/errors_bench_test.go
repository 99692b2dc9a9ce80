package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lookout/internal/model"
)

// BenchmarkRecordOccurrences commits batches of 32 occurrences (1.5 KB of
// data each, 200 fingerprints) as the Rollbar writer does under load, on
// the test server (fsync off: the figure is the store's own cost, not the
// disk's); it reports occurrences/s.
//
//	go test ./internal/store/postgres -run '^$' -bench RecordOccurrences -benchtime 200x
func BenchmarkRecordOccurrences(b *testing.B) {
	s, _ := openTest(b)
	data := []byte(`{"body":{"message":{"body":"` + strings.Repeat("x", 1500) + `"}}}`)
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
