package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"lookout/internal/model"
	"slices"
	"strconv"
	"strings"
	"time"

	"lookout/internal/query"
	"lookout/internal/store"
)

var _ store.Querier = (*Store)(nil)

// QueryBudget is the time a query, column listing or BubbleUp may take when
// its context has no deadline of its own.
const QueryBudget = 30 * time.Second

// budget bounds ctx by QueryBudget unless it already has a deadline.
func budget(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, QueryBudget)
}

// plan is the SQL shared by a query's statements, three CTEs: base (one row
// per selected span: breakdowns b<i>, calculation inputs v<i>, time bucket),
// agg (the calculations a<i> per group, total = 1, and per group and bucket,
// total = 0, from one scan of base) and top (the groups kept, ranked rk = 1,
// 2, ... in the query's order).
type plan struct {
	b sqlb
	// base is the WITH clause of base alone, whose arguments are the first
	// baseArgs; with adds agg and top.
	base, with string
	baseArgs   int
	// join is the FROM clause of base joined to its group in top; aggs the
	// calculations' aggregates over it.
	join, aggs string
	// matchTop is the condition joining agg rows to their group in top.
	matchTop string
	// typed lists the breakdowns whose value type agg reads as bt<i>.
	typed []int
}

func newPlan(sb *sqlb, project string, q query.Query) *plan {
	p := &plan{b: *sb}
	b := &p.b
	var sel []string
	var groups, joins, aggJoins []string
	var typed []string // aggregates of the breakdowns' value types
	for i, name := range q.Breakdowns {
		c := b.col(name)
		sel = append(sel, fmt.Sprintf("%s AS b%d", c.native, i))
		if c.typ != nil {
			sel = append(sel, fmt.Sprintf("%s AS bt%d", c.typ(), i))
			typed = append(typed, fmt.Sprintf("min(bt%d) AS bt%d", i, i))
			p.typed = append(p.typed, i)
		}
		groups = append(groups, fmt.Sprintf("b%d", i))
		joins = append(joins, fmt.Sprintf("base.b%d IS NOT DISTINCT FROM top.b%d", i, i))
		aggJoins = append(aggJoins, fmt.Sprintf("agg.b%d IS NOT DISTINCT FROM top.b%d", i, i))
	}
	var aggs []string
	for i, c := range q.Calculations {
		if c.Op != query.OpCount {
			col := b.col(c.Column)
			expr := col.num
			if c.Op == query.OpCountDistinct {
				expr = col.native
			}
			sel = append(sel, fmt.Sprintf("%s AS v%d", expr, i))
		}
		aggs = append(aggs, fmt.Sprintf("%s AS a%d", aggregate(c, i), i))
	}
	sel = append(sel, fmt.Sprintf("(%s - %s) // %s AS bucket", b.table().time, b.arg(q.Start.UnixNano()), b.arg(q.Granularity.Nanoseconds())))
	where := b.scope(project, q) + " AND " + b.filters(q.Filters, q.FilterCombination)
	p.baseArgs = len(b.args)

	// One scan computes the group totals and the series: grouping sets
	// (groups) and (groups, bucket); GROUPING(bucket) tells them apart.
	gs := strings.Join(groups, ", ")
	groupBy := " GROUP BY GROUPING SETS ((" + gs + "), (" + prefix(groups) + "bucket))"
	having := []string{"total = 1", "a_n > 0"}
	for _, h := range q.Havings {
		for i, c := range q.Calculations {
			if c == h.Calculation() {
				having = append(having, fmt.Sprintf("a%d %s %s", i, h.Op, b.arg(h.Value)))
				break
			}
		}
	}
	var orders []string
	for _, o := range q.Orders {
		dir := " ASC"
		if o.Descending {
			dir = " DESC"
		}
		if o.Op == "" {
			for i, name := range q.Breakdowns {
				if name == o.Column {
					orders = append(orders, p.orderBreakdown(i, dir))
				}
			}
			continue
		}
		for i, c := range q.Calculations {
			if c.Op == o.Op && c.Column == o.Column {
				orders = append(orders, fmt.Sprintf("a%d%s NULLS LAST", i, dir))
				break
			}
		}
	}
	if len(q.Orders) == 0 && q.Calculations[0].Op != query.OpHeatmap {
		orders = append(orders, "a0 DESC NULLS LAST")
	}
	for i := range groups { // deterministic ties
		orders = append(orders, p.orderBreakdown(i, " ASC"))
	}
	if len(orders) == 0 {
		orders = append(orders, "a_n")
	}
	if len(joins) == 0 {
		joins, aggJoins = []string{"true"}, []string{"true"}
	}
	cols := strings.Join(append(append(append([]string{}, groups...), aggs...), typed...), ", ")
	p.base = "WITH base AS (SELECT " + strings.Join(sel, ", ") + " FROM " + b.table().view + " WHERE " + where + ")"
	p.with = p.base + ",\n" +
		"agg AS MATERIALIZED (SELECT " + prefix([]string{cols}) + "bucket, GROUPING(bucket) AS total, count(*) AS a_n FROM base" +
		groupBy + "),\n" +
		"top AS (SELECT row_number() OVER (ORDER BY " + strings.Join(orders, ", ") + ") AS rk" + prefixComma(groups) + " FROM agg WHERE " +
		strings.Join(having, " AND ") + " ORDER BY rk LIMIT " + b.arg(q.Limit) + ")\n"
	p.join = "base JOIN top ON " + strings.Join(joins, " AND ")
	p.matchTop = strings.Join(aggJoins, " AND ")
	p.aggs = strings.Join(aggs, ", ")
	return p
}

// orderBreakdown orders by breakdown i: numbers as numbers (attribute
// values are stored as text), then text; nulls last.
func (p *plan) orderBreakdown(i int, dir string) string {
	if !slices.Contains(p.typed, i) {
		return fmt.Sprintf("b%d%s NULLS LAST", i, dir)
	}
	return fmt.Sprintf("(CASE WHEN bt%d IN (%d, %d) THEN TRY_CAST(b%d AS DOUBLE) END)%s NULLS LAST, b%d%s NULLS LAST",
		i, model.KindInt, model.KindDouble, i, dir, i, dir)
}

// Query implements store.Querier: one statement returns the kept groups'
// totals (bucket NULL) and their time series.
func (s *Store) Query(ctx context.Context, project string, q query.Query) (query.Result, error) {
	if err := q.Validate(); err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	if q.Source == query.SourceMetrics {
		return s.queryMetrics(ctx, project, q)
	}
	ctx, cancel := budget(ctx)
	defer cancel()
	release, err := s.acquire()
	if err != nil {
		return query.Result{}, err
	}
	defer release()

	p := newPlan(s.sqlFor(q.Source), project, q)
	var cols []string
	for i := range q.Breakdowns {
		cols = append(cols, fmt.Sprintf("agg.b%d", i))
	}
	for i := range q.Calculations {
		cols = append(cols, fmt.Sprintf("agg.a%d", i))
	}
	for _, i := range p.typed {
		cols = append(cols, fmt.Sprintf("agg.bt%d", i))
	}
	stmt := p.with + "SELECT top.rk, CASE WHEN agg.total = 1 THEN NULL ELSE agg.bucket END, " + strings.Join(cols, ", ") +
		" FROM agg JOIN top ON " + p.matchTop + " ORDER BY 2 NULLS FIRST, 1"
	rows, err := s.db.QueryContext(ctx, stmt, p.b.args...)
	if err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var res query.Result
	groups := map[int64][]any{}
	kinds := map[int64][]any{} // the typed breakdowns' value kinds, per group
	var ranks []int64          // of each series row
	nb, nc := len(q.Breakdowns), len(q.Calculations)
	for rows.Next() {
		var rk int64
		var bucket sql.NullInt64
		vals := make([]any, nb+nc+len(p.typed))
		dest := []any{&rk, &bucket}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return query.Result{}, fmt.Errorf("query: scan: %w", err)
		}
		row := query.Row{Values: normalizeValues(vals[nb : nb+nc])}
		if !bucket.Valid {
			row.Group = normalizeValues(vals[:nb])
			groups[rk], kinds[rk] = row.Group, vals[nb+nc:]
			res.Results = append(res.Results, row)
			continue
		}
		row.Group = groups[rk]
		row.Time = q.Start.Add(time.Duration(bucket.Int64) * q.Granularity).UTC()
		res.Series = append(res.Series, row)
		ranks = append(ranks, rk)
	}
	if err := rows.Err(); err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	if err := s.heatmaps(ctx, project, q, &res, ranks); err != nil {
		return query.Result{}, err
	}
	// Attribute values come back as they were sent: numbers and booleans
	// typed. Done last: heatmaps binds the groups as the text they are
	// stored as. Series rows share their group's slice.
	for rk, g := range groups {
		for j, i := range p.typed {
			g[i] = typedValue(g[i], kinds[rk][j])
		}
	}
	return res, nil
}

// typedValue turns an attribute's stored text back into its type (kind, a
// model.ValueKind); text that does not parse stays text.
func typedValue(v, kind any) any {
	s, ok := v.(string)
	k, _ := kind.(uint8)
	if !ok {
		return v
	}
	switch model.ValueKind(k) {
	case model.KindInt:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case model.KindDouble:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	case model.KindBool:
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	}
	return s
}

// prefixComma is ", c1, c2" (empty for no columns).
func prefixComma(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return ", " + strings.Join(cols, ", ")
}

func prefix(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return strings.Join(cols, ", ") + ", "
}

// normalizeValues maps the driver's integer and float types onto int64 and
// float64, the types of query.Row.
func normalizeValues(vs []any) []any {
	for i, v := range vs {
		switch x := v.(type) {
		case int32:
			vs[i] = int64(x)
		case uint64:
			vs[i] = int64(x)
		case uint32:
			vs[i] = int64(x)
		case float32:
			vs[i] = float64(x)
		}
	}
	return vs
}
