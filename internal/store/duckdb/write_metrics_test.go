package duckdb

import (
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/storetest"
)

// TestWriteMetricChunks writes more points than a chunk holds, in several
// prepared batches of one commit, and reads every point back bit for bit.
func TestWriteMetricChunks(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	points := storetest.MetricPointsOfEveryType(5000)
	var prepared []any
	for _, r := range [][2]int{{0, 100}, {100, 2500}, {2500, 5000}} {
		e, err := s.Prepare(&model.Batch{Metrics: points[r[0]:r[1]]})
		if err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, e)
	}
	if err := s.WritePrepared(t.Context(), prepared); err != nil {
		t.Fatal(err)
	}
	storetest.SameMetricPoints(t, s.MetricPoints(t.Context(), store.MetricQuery{Project: "p", Name: "m", Limit: len(points) + 1}), points)
}

// BenchmarkWriteMetrics measures encoding and committing metric points in
// batches of 512, the points of every type (storetest.MetricPointsOfEveryType).
func BenchmarkWriteMetrics(b *testing.B) {
	s := openTest(b, b.TempDir())
	defer s.Close()
	const size, batches = 512, 16
	pool := storetest.MetricPointsOfEveryType(size * batches)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		off := (i % batches) * size
		if err := s.Write(b.Context(), &model.Batch{Metrics: pool[off : off+size]}); err != nil {
			b.Fatal(err)
		}
		n += size
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
}
