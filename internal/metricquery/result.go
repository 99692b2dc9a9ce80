package metricquery

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"lookout/internal/query"
)

// ranked is a group with its totals.
type ranked struct {
	*group
	totals []any
}

// result keeps the groups that pass the havings, in the query's order (by
// default the first calculation, descending), at most Limit of them, and
// their series.
func (e *engine) result() query.Result {
	q := e.q
	var rows []ranked
	for _, g := range e.order {
		r := ranked{g, g.total.values(q.Calculations, q.End.Sub(q.Start).Seconds())}
		if e.passes(r.totals) {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, e.compare)
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
	}
	res := query.Result{Results: []query.Row{}, Series: []query.Row{}}
	type point struct {
		bucket int64
		rank   int
		cell   *cell
	}
	var pts []point
	for rank, r := range rows {
		res.Results = append(res.Results, query.Row{Group: r.values, Values: r.totals})
		for b, c := range r.buckets {
			pts = append(pts, point{b, rank, c})
		}
	}
	slices.SortFunc(pts, func(x, y point) int { return cmp.Or(cmp.Compare(x.bucket, y.bucket), cmp.Compare(x.rank, y.rank)) })
	for _, p := range pts {
		res.Series = append(res.Series, query.Row{
			Time:   q.Start.Add(time.Duration(p.bucket) * q.Granularity).UTC(),
			Group:  rows[p.rank].values,
			Values: p.cell.values(q.Calculations, q.Granularity.Seconds()),
		})
	}
	return res
}

// passes reports whether a group's totals satisfy every having.
func (e *engine) passes(totals []any) bool {
	for _, h := range e.q.Havings {
		i := slices.Index(e.q.Calculations, h.Calculation())
		v, ok := number(totals[i])
		if !ok {
			return false
		}
		c := cmp.Compare(v, h.Value)
		var hold bool
		switch h.Op {
		case query.FilterEq:
			hold = c == 0
		case query.FilterNe:
			hold = c != 0
		case query.FilterGt:
			hold = c > 0
		case query.FilterGe:
			hold = c >= 0
		case query.FilterLt:
			hold = c < 0
		case query.FilterLe:
			hold = c <= 0
		}
		if !hold {
			return false
		}
	}
	return true
}

// compare orders groups as the stores do: by the query's orders (nulls
// last either way), by default by the first calculation descending, then
// by the breakdowns ascending.
func (e *engine) compare(x, y ranked) int {
	q := e.q
	orders := q.Orders
	if len(orders) == 0 {
		orders = []query.Order{{Op: q.Calculations[0].Op, Column: q.Calculations[0].Column, Descending: true}}
	}
	for _, o := range orders {
		var a, b any
		if o.Op == "" {
			i := slices.Index(q.Breakdowns, o.Column)
			a, b = x.values[i], y.values[i]
		} else {
			i := slices.Index(q.Calculations, query.Calculation{Op: o.Op, Column: o.Column})
			a, b = x.totals[i], y.totals[i]
		}
		if c := compareValues(a, b, o.Descending); c != 0 {
			return c
		}
	}
	for i := range q.Breakdowns {
		if c := compareValues(x.values[i], y.values[i], false); c != 0 {
			return c
		}
	}
	return 0
}

// compareValues orders nil last, numbers before other values and by
// value, the rest by their text.
func compareValues(a, b any, desc bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	na, aok := number(a)
	nb, bok := number(b)
	var c int
	switch {
	case aok && bok:
		c = cmp.Compare(na, nb)
	case aok:
		return -1
	case bok:
		return 1
	default:
		c = cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
	}
	if desc {
		return -c
	}
	return c
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
