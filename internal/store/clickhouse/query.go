package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

var _ store.Querier = (*Store)(nil)

// budget bounds ctx by Config.QueryBudget unless it has a deadline.
func (s *Store) budget(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.cfg.QueryBudget)
}

// A query is one statement over one scan (ClickHouse 18.16 has neither
// GROUPING SETS nor window functions). The inner SELECT groups the
// selected rows by breakdowns and time bucket and keeps each calculation
// as an aggregate state (sumState, quantileState, ...); the outer SELECT
// merges the states per group for the totals (-Merge), on which HAVING,
// ORDER BY and LIMIT work, and keeps each bucket's finalized value in
// arrays for the series.
//
// Aggregate states of Nullable arguments forget that every value was NULL
// on 18.16 (sumState gives 0, quantileState NaN), so every calculation
// that reads a column carries the count of its non-NULL values (c<i>): a
// value is NULL where that count is 0.

// plan is the SQL of a query and what reading its rows needs.
type plan struct {
	b       sqlb
	q       query.Query
	project string
	// typed lists the breakdowns that read attributes (typed by t<i>).
	typed []int
	sql   string
}

// calcAgg returns the aggregate function of a calculation (its name and
// parameters, to add State or Merge to) and whether it reads a column.
func calcAgg(c query.Calculation) (fn, params string, reads bool) {
	switch c.Op {
	case query.OpCount:
		return "count", "", false
	case query.OpCountDistinct:
		return "uniqExact", "", false
	case query.OpSum:
		return "sum", "", true
	case query.OpAvg:
		return "avg", "", true
	case query.OpMin, query.OpHeatmap:
		// HEATMAP's totals are the value range (min here, max in h<i>), from
		// which heatmap takes its buckets.
		return "min", "", true
	case query.OpMax:
		return "max", "", true
	}
	q, _ := c.Op.Percentile()
	return "quantile", fmt.Sprintf("(%.6f)", q), true
}

func newPlan(project string, q query.Query) *plan {
	p := &plan{b: *newSQL(q.Source), q: q, project: project}
	b := &p.b
	where := b.scope(project, q) + " AND " + b.filters(q.Filters, q.FilterCombination)

	var inner, outer, groups []string
	for i, name := range q.Breakdowns {
		c := b.col(name)
		inner = append(inner, fmt.Sprintf("%s AS b%d", c.native, i))
		groups = append(groups, fmt.Sprintf("b%d", i))
		if c.typ != nil {
			inner = append(inner, fmt.Sprintf("min(%s) AS bt%d", c.typ(), i))
			p.typed = append(p.typed, i)
		}
	}
	outer = append(outer, groups...)
	for _, i := range p.typed {
		outer = append(outer, fmt.Sprintf("min(bt%d) AS t%d", i, i))
	}
	inner = append(inner, fmt.Sprintf("intDiv(%s - %s, %s) AS bucket", b.t.time, b.arg(q.Start.UnixNano()), b.arg(q.Granularity.Nanoseconds())),
		"countState() AS s_n")
	outer = append(outer, "countMerge(s_n) AS a_n", "groupArray(bucket) AS buckets")
	for i, c := range q.Calculations {
		var v string
		if c.Op != query.OpCount {
			col := b.col(c.Column)
			v = col.num
			if c.Op == query.OpCountDistinct {
				v = col.native
			}
		}
		fn, params, reads := calcAgg(c)
		inner = append(inner, fmt.Sprintf("%sState%s(%s) AS s%d", fn, params, v, i))
		total := fmt.Sprintf("%sMerge%s(s%d)", fn, params, i)
		if reads {
			inner = append(inner, fmt.Sprintf("countState(%s) AS c%d", v, i))
			total = fmt.Sprintf("if(countMerge(c%d) = 0, NULL, %s)", i, total)
			outer = append(outer, fmt.Sprintf("groupArray(finalizeAggregation(c%d)) AS sc%d", i, i))
		}
		outer = append(outer, fmt.Sprintf("%s AS a%d", total, i))
		if c.Op == query.OpHeatmap {
			inner = append(inner, fmt.Sprintf("maxState(%s) AS h%d", v, i))
			outer = append(outer, fmt.Sprintf("maxMerge(h%d) AS ha%d", i, i))
		} else {
			outer = append(outer, fmt.Sprintf("groupArray(assumeNotNull(finalizeAggregation(s%d))) AS sv%d", i, i))
		}
	}
	having := []string{"a_n > 0"} // without breakdowns, empty input still gives a row
	for _, h := range q.Havings {
		if i := slices.Index(q.Calculations, h.Calculation()); i >= 0 {
			having = append(having, fmt.Sprintf("a%d %s %s", i, h.Op, b.arg(h.Value)))
		}
	}
	sql := "SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") + " FROM " + b.t.name +
		" WHERE " + where + " GROUP BY " + strings.Join(append(slices.Clone(groups), "bucket"), ", ") + ")"
	if len(groups) > 0 {
		sql += " GROUP BY " + strings.Join(groups, ", ")
	}
	p.sql = sql + " HAVING " + strings.Join(having, " AND ") + " ORDER BY " + strings.Join(p.orders(), ", ") + " LIMIT " + b.arg(q.Limit)
	return p
}

// orders returns the ORDER BY terms: the query's orders, else the first
// calculation descending, then every breakdown ascending for determinism;
// NULLs last.
func (p *plan) orders() []string {
	q := p.q
	var out []string
	dir := func(desc bool) string {
		if desc {
			return " DESC NULLS LAST"
		}
		return " ASC NULLS LAST"
	}
	for _, o := range q.Orders {
		if o.Op == "" {
			if i := slices.Index(q.Breakdowns, o.Column); i >= 0 {
				out = append(out, p.orderBreakdown(i, dir(o.Descending))...)
			}
			continue
		}
		if i := slices.Index(q.Calculations, query.Calculation{Op: o.Op, Column: o.Column}); i >= 0 {
			out = append(out, fmt.Sprintf("a%d%s", i, dir(o.Descending)))
		}
	}
	if len(q.Orders) == 0 && q.Calculations[0].Op != query.OpHeatmap {
		out = append(out, "a0"+dir(true))
	}
	for i := range q.Breakdowns {
		out = append(out, p.orderBreakdown(i, dir(false))...)
	}
	if len(out) == 0 {
		out = append(out, "a_n")
	}
	return out
}

// orderBreakdown orders by breakdown i: attribute numbers as numbers
// (attribute values are stored as text), then as text.
func (p *plan) orderBreakdown(i int, dir string) []string {
	if !slices.Contains(p.typed, i) {
		return []string{fmt.Sprintf("b%d%s", i, dir)}
	}
	return []string{fmt.Sprintf("if(t%d IN (%d, %d), toFloat64OrNull(b%d), NULL)%s", i, model.KindInt, model.KindDouble, i, dir),
		fmt.Sprintf("b%d%s", i, dir)}
}

// Query implements store.Querier.
func (s *Store) Query(ctx context.Context, project string, q query.Query) (query.Result, error) {
	if err := q.Validate(); err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	if err := s.check(); err != nil {
		return query.Result{}, err
	}
	if q.Source == query.SourceMetrics {
		return s.queryMetrics(ctx, project, q)
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	p := newPlan(project, q)
	rows, err := s.conn.Query(ctx, p.sql, p.b.args...)
	if err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var groups []*groupRow
	for rows.Next() {
		vals, err := scanAny(rows)
		if err != nil {
			return query.Result{}, fmt.Errorf("query: %w", err)
		}
		groups = append(groups, p.group(vals))
	}
	if err := rows.Err(); err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	res := p.result(groups)
	if err := s.heatmaps(ctx, p, &res, groups); err != nil {
		return query.Result{}, err
	}
	return res, nil
}

// groupRow is one group of a query's answer.
type groupRow struct {
	key     string // the breakdown values as scanned, for matching groups
	group   []any
	totals  []any
	buckets []int64
	series  [][]any // per bucket, the calculations
	// ranges holds the value range of each HEATMAP calculation ([min,
	// max]; nil when the group has no value).
	ranges map[int][2]float64
}

// group reads one row of the plan's statement (by column name).
func (p *plan) group(vals map[string]any) *groupRow {
	q := p.q
	g := &groupRow{ranges: map[int][2]float64{}}
	for i := range q.Breakdowns {
		raw := vals[fmt.Sprintf("b%d", i)]
		g.key += fmt.Sprintf("%#v|", raw)
		v := plainOf(raw)
		if slices.Contains(p.typed, i) {
			v = typedValue(v, vals[fmt.Sprintf("t%d", i)])
		} else if p.b.col(q.Breakdowns[i]).kind == boolValue {
			v = v == int64(1)
		}
		g.group = append(g.group, v)
	}
	g.buckets = ints(vals["buckets"])
	g.series = make([][]any, len(g.buckets))
	for k := range g.series {
		g.series[k] = make([]any, len(q.Calculations))
	}
	for i, c := range q.Calculations {
		total := plainOf(vals[fmt.Sprintf("a%d", i)])
		per := anys(vals[fmt.Sprintf("sv%d", i)])
		counts := ints(vals[fmt.Sprintf("sc%d", i)])
		switch {
		case c.Op == query.OpHeatmap:
			if hi, ok := plainOf(vals[fmt.Sprintf("ha%d", i)]).(float64); ok && total != nil {
				g.ranges[i] = [2]float64{total.(float64), hi}
			}
			total = nil
		case c.Op == query.OpCountDistinct && total == nil:
			total = int64(0)
		}
		g.totals = append(g.totals, total)
		for k := range g.series {
			if k < len(per) && (counts == nil || counts[k] > 0) {
				g.series[k][i] = plainOf(per[k])
			}
		}
	}
	return g
}

// result assembles the groups, in rank order, and their series, ordered
// by time then rank.
func (p *plan) result(groups []*groupRow) query.Result {
	var res query.Result
	type seriesRow struct {
		bucket int64
		row    query.Row
	}
	var series []seriesRow
	for _, g := range groups {
		res.Results = append(res.Results, query.Row{Group: g.group, Values: g.totals})
		for k, bucket := range g.buckets {
			t := p.q.Start.Add(time.Duration(bucket) * p.q.Granularity).UTC()
			series = append(series, seriesRow{bucket, query.Row{Time: t, Group: g.group, Values: g.series[k]}})
		}
	}
	slices.SortStableFunc(series, func(a, b seriesRow) int { return cmp.Compare(a.bucket, b.bucket) })
	for _, r := range series {
		res.Series = append(res.Series, r.row)
	}
	return res
}
