package duckdb

import (
	"context"
	"fmt"
	"strings"

	"lookout/internal/query"
)

// heatmaps fills the HEATMAP calculations of res: for each, from the value
// range over the kept groups, the counts per (group, bucket, value bucket)
// of one more scan, summed into the totals rows.
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
	p := newPlan(s.sqlFor(q.Source), project, q)
	p.b.args = p.b.args[:p.baseArgs] // this statement uses base alone
	// The value range over the kept groups: the main statement left each
	// group's {lo, hi} in the calculation's slot of its totals row.
	found := false
	for _, row := range res.Results {
		lo, hi, ok := valueRange(row.Values[i])
		if !ok {
			continue
		}
		if !found || lo < hm.Min {
			hm.Min = lo
		}
		if !found || hi > hm.Max {
			hm.Max = hi
		}
		found = true
	}
	if !found {
		for r := range res.Results {
			res.Results[r].Values[i] = make([]int64, hm.Buckets)
		}
		for r := range res.Series {
			res.Series[r].Values[i] = make([]int64, hm.Buckets)
		}
		return hm, nil
	}
	w := hm.BucketWidth()
	vb := "0"
	if w > 0 {
		vb = fmt.Sprintf("least(CAST(floor((%s - %s) / %s) AS BIGINT), %d)", v, p.b.arg(hm.Min), p.b.arg(w), hm.Buckets-1)
	}
	// The kept groups are known: bind them as top instead of aggregating
	// again.
	stmt := p.base + ",\n" + p.topValues(res.Results) + "SELECT rk, bucket, " + vb + " AS vb, count(*) FROM " + p.join + " WHERE " + v +
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

// topValues returns the CTE top of the kept groups, ranked in result order,
// as bound values.
func (p *plan) topValues(groups []query.Row) string {
	if len(groups) == 0 {
		return "top AS (SELECT 1 AS rk WHERE false)\n"
	}
	var cols []string
	for i := range groups[0].Group {
		cols = append(cols, fmt.Sprintf("b%d", i))
	}
	var rows []string
	for r, g := range groups {
		vals := []string{fmt.Sprint(r + 1)}
		for _, v := range g.Group {
			vals = append(vals, p.b.arg(v))
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	return "top(rk" + prefixComma(cols) + ") AS (VALUES " + strings.Join(rows, ", ") + ")\n"
}

// valueRange reads the {lo, hi} struct of a HEATMAP's totals slot.
func valueRange(v any) (lo, hi float64, ok bool) {
	m, _ := v.(map[string]any)
	lo, okLo := m["lo"].(float64)
	hi, okHi := m["hi"].(float64)
	return lo, hi, okLo && okHi
}

func orEmpty(c []int64, n int) []int64 {
	if c == nil {
		return make([]int64, n)
	}
	return c
}
