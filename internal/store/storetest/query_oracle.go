package storetest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// The oracle answers a query.Query over in-memory spans by brute force, as
// the documented semantics say; the conformance cases compare every backend
// with it. It supports the columns the fixture uses.

// oracleCol returns the native value of a column on a span, nil when absent.
func oracleCol(s model.Span, name string) any {
	switch name {
	case query.ColDuration:
		return float64(s.DurationNano()) / 1e6
	case query.ColName:
		return s.Name
	case query.ColService:
		return s.Service()
	case query.ColStatusCode:
		return int64(s.StatusCode)
	case query.ColError:
		return s.StatusCode == model.StatusError
	case query.ColKind:
		return []string{"unspecified", "internal", "server", "client", "producer", "consumer"}[s.Kind]
	case query.ColParentID:
		if s.ParentSpanID.IsZero() {
			return nil
		}
		return s.ParentSpanID.String()
	}
	if key, ok := strings.CutPrefix(name, query.EventPrefix); ok {
		if vs := oracleEventValues(s, key); len(vs) > 0 {
			return vs[0]
		}
		return nil
	}
	if v, ok := s.Attributes.Get(name); ok {
		return v.AsString()
	}
	if v, ok := s.Resource.Attributes.Get(name); ok {
		return v.AsString()
	}
	return nil
}

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

// negatedOps maps each negated filter operator to its positive form.
var negatedOps = map[query.FilterOp]query.FilterOp{query.FilterNe: query.FilterEq, query.FilterDoesNotContain: query.FilterContains,
	query.FilterDoesNotStartWith: query.FilterStartsWith, query.FilterNotIn: query.FilterIn, query.FilterDoesNotExist: query.FilterExists}

func oracleFilter(s model.Span, f query.Filter) bool {
	key, ok := strings.CutPrefix(f.Column, query.EventPrefix)
	if !ok {
		return oracleFilterValue(oracleCol(s, f.Column), f)
	}
	// Event columns hold several values: a positive operator matches when
	// any does, a negated one when none matches the positive form.
	pos, negated := negatedOps[f.Op]
	if !negated {
		pos = f.Op
	}
	any := slices.ContainsFunc(oracleEventValues(s, key), func(v any) bool {
		return oracleFilterValue(v, query.Filter{Column: f.Column, Op: pos, Values: f.Values})
	})
	return any != negated
}

// oracleEventValues returns event.<key> of a span: the event names for
// "name", else the values of attribute key on its events, in order.
func oracleEventValues(s model.Span, key string) []any {
	var out []any
	for _, e := range s.Events {
		if key == "name" {
			out = append(out, e.Name)
		} else if v, ok := e.Attributes.Get(key); ok {
			out = append(out, v.AsString())
		}
	}
	return out
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
	case query.FilterIn, query.FilterNotIn:
		in := slices.ContainsFunc(f.Values, func(w any) bool { return oracleCompare(v, query.FilterEq, w) })
		return in == (f.Op == query.FilterIn)
	case query.FilterNe:
		return !oracleCompare(v, query.FilterEq, f.Values[0])
	}
	return oracleCompare(v, f.Op, f.Values[0])
}

func oracleMatch(s model.Span, fs []query.Filter, comb query.Combination) bool {
	if len(fs) == 0 {
		return true
	}
	for _, f := range fs {
		if m := oracleFilter(s, f); m != (comb != query.Or) {
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

func oracleCalc(spans []model.Span, c query.Calculation) any {
	if c.Op == query.OpCount {
		return int64(len(spans))
	}
	if c.Op == query.OpCountDistinct {
		seen := map[string]bool{}
		for _, s := range spans {
			if t, ok := oracleText(oracleCol(s, c.Column)); ok {
				seen[t] = true
			}
		}
		return int64(len(seen))
	}
	var xs []float64
	for _, s := range spans {
		if n, ok := oracleNum(oracleCol(s, c.Column)); ok {
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

// oracleQuery answers q over spans (already restricted to the project).
func oracleQuery(spans []model.Span, q query.Query) query.Result {
	type group struct {
		key   []any
		spans []model.Span
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, s := range spans {
		t := s.StartUnixNano
		if t < q.Start.UnixNano() || t >= q.End.UnixNano() || (q.Dataset != query.DatasetAll && s.Service() != q.Dataset) ||
			!oracleMatch(s, q.Filters, q.FilterCombination) {
			continue
		}
		var key []any
		for _, b := range q.Breakdowns {
			key = append(key, oracleCol(s, b))
		}
		k := fmt.Sprint(key...)
		g := byKey[k]
		if g == nil {
			g = &group{key: key}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.spans = append(g.spans, s)
	}
	var rows []query.Row
	for _, g := range groups {
		row := query.Row{Group: g.key}
		keep := true
		for _, c := range q.Calculations {
			row.Values = append(row.Values, oracleCalc(g.spans, c))
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
	for _, r := range rows {
		buckets := map[int64][]model.Span{}
		for _, s := range byKey[fmt.Sprint(r.Group...)].spans {
			b := (s.StartUnixNano - q.Start.UnixNano()) / q.Granularity.Nanoseconds()
			buckets[b] = append(buckets[b], s)
		}
		for b, ss := range buckets {
			row := query.Row{Time: q.Start.Add(time.Duration(b) * q.Granularity).UTC(), Group: r.Group}
			for _, c := range q.Calculations {
				row.Values = append(row.Values, oracleCalc(ss, c))
			}
			res.Series = append(res.Series, row)
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
