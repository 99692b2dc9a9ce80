package clickhouse

import (
	"context"
	"fmt"
	"strings"

	"lookout/internal/query"
)

// heatmaps fills the HEATMAP calculations of res: from the value range over
// the kept groups, the counts per (group, bucket, value bucket) of one more
// scan, summed into the totals.
func (s *Store) heatmaps(ctx context.Context, p *plan, res *query.Result, groups []*groupRow) error {
	for i, c := range p.q.Calculations {
		if c.Op != query.OpHeatmap {
			continue
		}
		hm, err := s.heatmap(ctx, p, i, res, groups)
		if err != nil {
			return fmt.Errorf("query: %s: %w", c.Name(), err)
		}
		res.Heatmaps = append(res.Heatmaps, hm)
	}
	return nil
}

func (s *Store) heatmap(ctx context.Context, p *plan, i int, res *query.Result, groups []*groupRow) (query.Heatmap, error) {
	q := p.q
	hm := query.Heatmap{Name: q.Calculations[i].Name(), Buckets: query.DefaultHeatmapBuckets}
	found := false
	for _, g := range groups {
		r, ok := g.ranges[i]
		if !ok {
			continue
		}
		if !found || r[0] < hm.Min {
			hm.Min = r[0]
		}
		if !found || r[1] > hm.Max {
			hm.Max = r[1]
		}
		found = true
	}
	counts := map[string]map[int64][]int64{} // group key → bucket → value bucket counts
	if found {
		var err error
		if counts, err = s.heatmapCounts(ctx, p, i, hm); err != nil {
			return hm, err
		}
	}
	for r, g := range groups {
		total := make([]int64, hm.Buckets)
		for k, bucket := range g.buckets {
			c := counts[g.key][bucket]
			if c == nil {
				c = make([]int64, hm.Buckets)
			}
			for j, n := range c {
				total[j] += n
			}
			g.series[k][i] = c
		}
		g.totals[i] = total
		res.Results[r].Values[i] = total
	}
	// res.Series rows share the groups' value slices (Query built them
	// from g.series), so they are filled too.
	return hm, nil
}

// heatmapCounts counts the values of calculation i per group, time bucket
// and value bucket.
func (s *Store) heatmapCounts(ctx context.Context, p *plan, i int, hm query.Heatmap) (map[string]map[int64][]int64, error) {
	q := p.q
	b := newSQL(q.Source)
	where := b.scope(p.project, q) + " AND " + b.filters(q.Filters, q.FilterCombination)
	var cols []string
	for j, name := range q.Breakdowns {
		cols = append(cols, fmt.Sprintf("%s AS b%d", b.col(name).native, j))
	}
	v := b.col(q.Calculations[i].Column).num
	vb := "0"
	if w := hm.BucketWidth(); w > 0 {
		vb = fmt.Sprintf("least(toInt64(floor((%s - %s) / %s)), %d)", v, b.arg(hm.Min), b.arg(w), hm.Buckets-1)
	}
	cols = append(cols, fmt.Sprintf("intDiv(%s - %s, %s) AS bucket", b.t.time, b.arg(q.Start.UnixNano()), b.arg(q.Granularity.Nanoseconds())),
		"toInt64("+vb+") AS vb", "count() AS n")
	groupBy := []string{"bucket", "vb"}
	for j := range q.Breakdowns {
		groupBy = append(groupBy, fmt.Sprintf("b%d", j))
	}
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + b.t.name + " WHERE " + where +
		" AND ifNull(isFinite(" + v + "), 0) GROUP BY " + strings.Join(groupBy, ", ")
	rows, err := s.conn.Query(ctx, sql, b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[int64][]int64{}
	for rows.Next() {
		vals, err := scanAny(rows)
		if err != nil {
			return nil, err
		}
		var key string
		for j := range q.Breakdowns {
			key += fmt.Sprintf("%#v|", vals[fmt.Sprintf("b%d", j)])
		}
		bucket, _ := plainOf(vals["bucket"]).(int64)
		vbucket, _ := plainOf(vals["vb"]).(int64)
		n, _ := plainOf(vals["n"]).(int64)
		if vbucket < 0 || vbucket >= int64(hm.Buckets) {
			continue
		}
		if out[key] == nil {
			out[key] = map[int64][]int64{}
		}
		if out[key][bucket] == nil {
			out[key][bucket] = make([]int64, hm.Buckets)
		}
		out[key][bucket][vbucket] += n
	}
	return out, rows.Err()
}
