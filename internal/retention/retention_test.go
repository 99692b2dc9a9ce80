package retention

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lookout/internal/store"
)

// partStore is an in-memory list of partitions: the policy is what is under
// test here; real stores prove DropPartition in the conformance suite.
type partStore struct{ parts []store.Partition }

func (s *partStore) Partitions(context.Context) ([]store.Partition, error) {
	return slices.Clone(s.parts), nil
}
func (s *partStore) DropPartition(_ context.Context, name string) error {
	s.parts = slices.DeleteFunc(s.parts, func(p store.Partition) bool { return p.Name == name })
	return nil
}

func days(sizes ...int64) []store.Partition {
	base := time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)
	var out []store.Partition
	for i, b := range sizes {
		s := base.AddDate(0, 0, i)
		out = append(out, store.Partition{Name: s.Format("20060102"), Start: s, End: s.AddDate(0, 0, 1), Bytes: b})
	}
	return out
}

func TestEnforce(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) // partitions cover 19th..25th
	tests := []struct {
		name      string
		retention time.Duration
		budget    int64
		sizes     []int64
		meta      int64    // bytes of a metadata file counted against the budget
		want      []string // dropped, in order, as name:reason
	}{
		{"all young, no budget", 7 * 24 * time.Hour, 0, []int64{1, 1, 1, 1, 1, 1, 1}, 0, nil},
		{"two days retention", 48 * time.Hour, 0, []int64{1, 1, 1, 1, 1, 1, 1}, 0,
			[]string{"20261119:retention", "20261120:retention", "20261121:retention", "20261122:retention"}},
		{"budget drops oldest first", 7 * 24 * time.Hour, 10, []int64{5, 5, 5, 1, 1, 1, 1}, 0,
			[]string{"20261119:disk_budget", "20261120:disk_budget"}},
		{"budget never drops the newest", 7 * 24 * time.Hour, 10, []int64{0, 0, 0, 0, 0, 30, 50}, 0,
			[]string{"20261119:disk_budget", "20261120:disk_budget", "20261121:disk_budget", "20261122:disk_budget", "20261123:disk_budget", "20261124:disk_budget"}},
		{"metadata counts", 7 * 24 * time.Hour, 10, []int64{2, 2, 2, 1, 1, 1, 1}, 4,
			[]string{"20261119:disk_budget", "20261120:disk_budget"}},
		{"metadata alone over budget", 7 * 24 * time.Hour, 10, []int64{1, 1, 1, 1, 1, 1, 1}, 20,
			[]string{"20261119:disk_budget", "20261120:disk_budget", "20261121:disk_budget", "20261122:disk_budget", "20261123:disk_budget", "20261124:disk_budget"}},
		{"retention then budget", 72 * time.Hour, 3, []int64{9, 9, 9, 9, 2, 2, 2}, 0,
			[]string{"20261119:retention", "20261120:retention", "20261121:retention", "20261122:disk_budget", "20261123:disk_budget", "20261124:disk_budget"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &partStore{parts: days(tc.sizes...)}
			cfg := DefaultConfig()
			cfg.Retention, cfg.MaxDiskBytes = tc.retention, tc.budget
			cfg.Now = func() time.Time { return now }
			meta := filepath.Join(t.TempDir(), "meta.duckdb")
			if err := os.WriteFile(meta, make([]byte, tc.meta), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg.CountFiles = []string{meta, meta + ".wal"}
			e, err := New(cfg, s)
			if err != nil {
				t.Fatal(err)
			}
			dropped, err := e.Enforce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range dropped {
				got = append(got, d.Name+":"+d.Reason)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("dropped %v, want %v", got, tc.want)
			}
			if len(s.parts)+len(dropped) != len(tc.sizes) {
				t.Errorf("%d left + %d dropped != %d", len(s.parts), len(dropped), len(tc.sizes))
			}
		})
	}
}
