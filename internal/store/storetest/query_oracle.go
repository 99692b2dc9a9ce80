package storetest

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"lookout/internal/query"
)

// The oracle answers a query.Query over in-memory spans or log events (see
// record) by brute force, as the documented semantics say; the conformance
// cases compare every backend with it. It supports the columns the
// fixtures use.

func oracleText(v any) (string, bool) {
	if v == nil {
		return "", false
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return fmt.Sprint(v), true
}

func oracleNum(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func oracleCompare(v any, op query.FilterOp, want any) bool {
	var c int
	if w, ok := want.(float64); ok {
		n, ok := oracleNum(v)
		if !ok {
			return false
		}
		c = cmp.Compare(n, w)
	} else {
		t, ok := oracleText(v)
		if !ok {
			return false
		}
		c = strings.Compare(t, fmt.Sprint(want))
	}
	switch op {
	case query.FilterEq:
		return c == 0
	case query.FilterGt:
		return c > 0
	case query.FilterGe:
		return c >= 0
	case query.FilterLt:
		return c < 0
	case query.FilterLe:
		return c <= 0
	}
	return false
}

func oracleFilter(r record, f query.Filter) bool {
	vs, multi := r.values(f.Column)
	if !multi {
		return oracleFilterValue(r.col(f.Column), f)
	}
	// Multi-valued columns: a positive operator matches when any value
	// does, a negated one when none matches the positive form.
	pos, negated := f.Op.Positive()
	any := slices.ContainsFunc(vs, func(v any) bool {
		return oracleFilterValue(v, query.Filter{Column: f.Column, Op: pos, Values: f.Values})
	})
	return any != negated
}

func oracleFilterValue(v any, f query.Filter) bool {
	t, has := oracleText(v)
	switch f.Op {
	case query.FilterExists:
		return has
	case query.FilterDoesNotExist:
		return !has
	case query.FilterContains:
		return has && strings.Contains(t, f.Values[0].(string))
	case query.FilterDoesNotContain:
		return !has || !strings.Contains(t, f.Values[0].(string))
	case query.FilterStartsWith:
		return has && strings.HasPrefix(t, f.Values[0].(string))
	case query.FilterDoesNotStartWith:
		return !has || !strings.HasPrefix(t, f.Values[0].(string))
	case query.FilterMatches:
		return has && regexp.MustCompile(`^(?:`+f.Values[0].(string)+`)$`).MatchString(t)
	case query.FilterDoesNotMatch:
		return !has || !regexp.MustCompile(`^(?:`+f.Values[0].(string)+`)$`).MatchString(t)
	case query.FilterIn, query.FilterNotIn:
		in := slices.ContainsFunc(f.Values, func(w any) bool { return oracleCompare(v, query.FilterEq, w) })
		return in == (f.Op == query.FilterIn)
	case query.FilterNe:
		return !oracleCompare(v, query.FilterEq, f.Values[0])
	}
	return oracleCompare(v, f.Op, f.Values[0])
}

func oracleMatch(r record, fs []query.Filter, comb query.Combination) bool {
	if len(fs) == 0 {
		return true
	}
	for _, f := range fs {
		if m := oracleFilter(r, f); m != (comb != query.Or) {
			return m
		}
	}
	return comb != query.Or
}

// exactQuantile is the linearly interpolated quantile of sorted values (the
// definition of DuckDB's quantile_cont and of numpy's default).
func exactQuantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := math.Floor(pos)
	hi := math.Ceil(pos)
	return sorted[int(lo)] + (pos-lo)*(sorted[int(hi)]-sorted[int(lo)])
}

func oracleCalc(rs []record, c query.Calculation) any {
	if c.Op == query.OpCount {
		return int64(len(rs))
	}
	if c.Op == query.OpCountDistinct {
		seen := map[string]bool{}
		for _, r := range rs {
			if t, ok := oracleText(r.col(c.Column)); ok {
				seen[t] = true
			}
		}
		return int64(len(seen))
	}
	var xs []float64
	for _, r := range rs {
		if n, ok := oracleNum(r.col(c.Column)); ok {
			xs = append(xs, n)
		}
	}
	if len(xs) == 0 || c.Op == query.OpHeatmap {
		return nil
	}
	slices.Sort(xs)
	var sum float64
	for _, x := range xs {
		sum += x
	}
	switch c.Op {
	case query.OpSum:
		return sum
	case query.OpAvg:
		return sum / float64(len(xs))
	case query.OpMin:
		return xs[0]
	case query.OpMax:
		return xs[len(xs)-1]
	}
	q, _ := c.Op.Percentile()
	return exactQuantile(xs, q)
}

// oracleQuery answers q over records (already restricted to the project).
func oracleQuery(recs []record, q query.Query) query.Result {
	type group struct {
		key  []any
		recs []record
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, r := range recs {
		t := r.at()
		if t < q.Start.UnixNano() || t >= q.End.UnixNano() || (q.Dataset != query.DatasetAll && r.service() != q.Dataset) ||
			!oracleMatch(r, q.Filters, q.FilterCombination) {
			continue
		}
		var key []any
		for _, b := range q.Breakdowns {
			key = append(key, r.col(b))
		}
		k := fmt.Sprint(key...)
		g := byKey[k]
		if g == nil {
			g = &group{key: key}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.recs = append(g.recs, r)
	}
	var rows []query.Row
	for _, g := range groups {
		row := query.Row{Group: g.key}
		keep := true
		for _, c := range q.Calculations {
			row.Values = append(row.Values, oracleCalc(g.recs, c))
		}
		for _, h := range q.Havings {
			i := slices.Index(q.Calculations, h.Calculation())
			n, ok := oracleNum(row.Values[i])
			keep = keep && ok && (h.Op == query.FilterNe && n != h.Value || h.Op != query.FilterNe && oracleCompare(n, h.Op, h.Value))
		}
		if keep {
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(a, b query.Row) int { return oracleOrder(q, a, b) })
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
	}
	res := query.Result{Results: rows}
	for _, row := range rows {
		buckets := map[int64][]record{}
		for _, r := range byKey[fmt.Sprint(row.Group...)].recs {
			b := (r.at() - q.Start.UnixNano()) / q.Granularity.Nanoseconds()
			buckets[b] = append(buckets[b], r)
		}
		for b, rs := range buckets {
			srow := query.Row{Time: q.Start.Add(time.Duration(b) * q.Granularity).UTC(), Group: row.Group}
			for _, c := range q.Calculations {
				srow.Values = append(srow.Values, oracleCalc(rs, c))
			}
			res.Series = append(res.Series, srow)
		}
	}
	return res
}

// oracleOrder orders rows as the query says, then by the first calculation
// descending when it says nothing, then by the groups ascending; nulls last.
func oracleOrder(q query.Query, a, b query.Row) int {
	orders := q.Orders
	if len(orders) == 0 {
		orders = []query.Order{{Op: q.Calculations[0].Op, Column: q.Calculations[0].Column, Descending: true}}
	}
	for i := range q.Breakdowns {
		orders = append(orders, query.Order{Column: q.Breakdowns[i]})
	}
	for _, o := range orders {
		var x, y any
		if o.Op == "" {
			i := slices.Index(q.Breakdowns, o.Column)
			x, y = a.Group[i], b.Group[i]
		} else {
			i := slices.Index(q.Calculations, query.Calculation{Op: o.Op, Column: o.Column})
			x, y = a.Values[i], b.Values[i]
		}
		if c := compareNullsLast(x, y, o.Descending); c != 0 {
			return c
		}
	}
	return 0
}

func compareNullsLast(x, y any, desc bool) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	var c int
	if nx, ok := oracleNum(x); ok {
		ny, _ := oracleNum(y)
		c = cmp.Compare(nx, ny)
	}
	if _, isStr := x.(string); isStr {
		c = strings.Compare(x.(string), y.(string))
	}
	if desc {
		return -c
	}
	return c
}
