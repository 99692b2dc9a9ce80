package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"lookout/internal/query"
)

// heatmaps fills the HEATMAP calculations of res: for each, the value range
// over the query's spans, then counts per (group, bucket, value bucket),
// summed into the totals rows.
// ranks holds the group rank (rk) of each series row.
func (s *Store) heatmaps(ctx context.Context, project string, q query.Query, res *query.Result, ranks []int64) error {
	for i, c := range q.Calculations {
		if c.Op != query.OpHeatmap {
			continue
		}
		hm, err := s.heatmap(ctx, project, q, i, res, ranks)
		if err != nil {
			return fmt.Errorf("query: %s: %w", c.Name(), err)
		}
		res.Heatmaps = append(res.Heatmaps, hm)
	}
	return nil
}

func (s *Store) heatmap(ctx context.Context, project string, q query.Query, i int, res *query.Result, ranks []int64) (query.Heatmap, error) {
	hm := query.Heatmap{Name: q.Calculations[i].Name(), Buckets: query.DefaultHeatmapBuckets}
	v := fmt.Sprintf("v%d", i)
	p := newPlan(project, q)
	var lo, hi sql.NullFloat64
	err := s.db.QueryRowContext(ctx, p.with+"SELECT min("+v+"), max("+v+") FROM "+p.join, p.b.args...).Scan(&lo, &hi)
	if err != nil {
		return hm, err
	}
	if !lo.Valid {
		return hm, nil
	}
	hm.Min, hm.Max = lo.Float64, hi.Float64
	w := hm.BucketWidth()
	vb := "0"
	if w > 0 {
		vb = fmt.Sprintf("least(CAST(floor((%s - %s) / %s) AS BIGINT), %d)", v, p.b.arg(hm.Min), p.b.arg(w), hm.Buckets-1)
	}
	stmt := p.with + "SELECT rk, bucket, " + vb + " AS vb, count(*) FROM " + p.join + " WHERE " + v +
		" IS NOT NULL GROUP BY rk, bucket, vb"
	rows, err := s.db.QueryContext(ctx, stmt, p.b.args...)
	if err != nil {
		return hm, err
	}
	defer rows.Close()
	type key struct{ rk, bucket int64 }
	series := map[key][]int64{}
	totals := map[int64][]int64{}
	for rows.Next() {
		var k key
		var b, n int64
		if err := rows.Scan(&k.rk, &k.bucket, &b, &n); err != nil {
			return hm, fmt.Errorf("scan: %w", err)
		}
		if b < 0 || b >= int64(hm.Buckets) {
			continue // NaN or infinite values
		}
		if series[k] == nil {
			series[k] = make([]int64, hm.Buckets)
		}
		series[k][b] += n
		if totals[k.rk] == nil {
			totals[k.rk] = make([]int64, hm.Buckets)
		}
		totals[k.rk][b] += n
	}
	if err := rows.Err(); err != nil {
		return hm, err
	}
	// Results are in rank order: rk is the index plus one.
	for r := range res.Results {
		res.Results[r].Values[i] = orEmpty(totals[int64(r+1)], hm.Buckets)
	}
	for r := range res.Series {
		row := &res.Series[r]
		k := key{ranks[r], int64(row.Time.Sub(q.Start) / q.Granularity)}
		row.Values[i] = orEmpty(series[k], hm.Buckets)
	}
	return hm, nil
}

func orEmpty(c []int64, n int) []int64 {
	if c == nil {
		return make([]int64, n)
	}
	return c
}
