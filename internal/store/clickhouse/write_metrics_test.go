package clickhouse

import (
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/storetest"
)

// TestWritePreparedMetrics: metric points prepared apart are committed in
// one INSERT (one new part), their Nullable columns concatenated with the
// rest, and read back bit for bit.
func TestWritePreparedMetrics(t *testing.T) {
	s := openTest(t, t.Name())
	defer s.Close()
	points := storetest.MetricPointsOfEveryType(1500)
	var prepared []any
	for _, r := range [][2]int{{0, 7}, {7, 1000}, {1000, 1500}} {
		p, err := s.Prepare(&model.Batch{Metrics: points[r[0]:r[1]]})
		if err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, p)
	}
	if err := s.WritePrepared(t.Context(), prepared); err != nil {
		t.Fatal(err)
	}
	var parts, rows uint64
	err := s.conn.QueryRow(t.Context(), "SELECT count(), sum(rows) FROM system.parts WHERE database = ? AND table = 'metrics' AND active",
		s.db).Scan(&parts, &rows)
	if err != nil || parts != 1 || rows != uint64(len(points)) {
		t.Errorf("metrics: %d parts of %d rows (%v), want 1 part of %d", parts, rows, err, len(points))
	}
	storetest.SameMetricPoints(t, s.MetricPoints(t.Context(), store.MetricQuery{Project: "p", Name: "m", Limit: len(points) + 1}), points)
}
