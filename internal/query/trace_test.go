package query

import (
	"errors"
	"testing"
	"time"
)

func TestTraceQueryValidate(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)
	eq := Filter{Column: "service.name", Op: FilterEq, Values: []any{"api"}}
	cases := []struct {
		name  string
		edit  func(q *TraceQuery)
		field string // "" = valid
	}{
		{"no filter", func(q *TraceQuery) {}, ""},
		{"tree", func(q *TraceQuery) {
			q.Where = AnyOf(NotOf(SomeSpan(eq)), AllOf(RootSpan(eq), MeasureIs(MeasureDuration, FilterGt, 5)), Always(), Never())
		}, ""},
		{"no end", func(q *TraceQuery) { q.End = time.Time{} }, "time_range"},
		{"reversed", func(q *TraceQuery) { q.End = t0.Add(-time.Hour) }, "time_range"},
		{"limit", func(q *TraceQuery) { q.Limit = MaxTraceLimit + 1 }, "limit"},
		{"reach", func(q *TraceQuery) { q.Reach = -time.Second }, "reach"},
		{"not arity", func(q *TraceQuery) { q.Where = AllOf(SomeSpan(eq), &TraceFilter{Op: TraceNot}) }, "where.children[1].children"},
		{"bad span filter", func(q *TraceQuery) {
			q.Where = NotOf(SomeSpan(Filter{Column: "x", Op: "~"}))
		}, "where.children[0].filters[0].op"},
		{"bad measure", func(q *TraceQuery) { q.Where = MeasureIs("trace.size", FilterGt, 1) }, "where.measure"},
		{"bad measure op", func(q *TraceQuery) { q.Where = MeasureIs(MeasureDuration, FilterContains, 1) }, "where.op"},
		{"bad op", func(q *TraceQuery) { q.Where = &TraceFilter{Op: "xor"} }, "where.op"},
		{"aggregate", func(q *TraceQuery) {
			q.Where = AllOf(AggregateIs(Calculation{Op: OpCount}, FilterGt, 2, eq), AggregateIs(Calculation{Op: OpAvg, Column: ColDuration}, FilterLe, 5))
		}, ""},
		{"aggregate percentile", func(q *TraceQuery) { q.Where = AggregateIs(Calculation{Op: "P99", Column: ColDuration}, FilterGt, 1) }, "where.calc"},
		{"aggregate without column", func(q *TraceQuery) { q.Where = AggregateIs(Calculation{Op: OpMax}, FilterGt, 1) }, "where.calc"},
		{"aggregate op", func(q *TraceQuery) { q.Where = AggregateIs(Calculation{Op: OpCount}, FilterIn, 1) }, "where.op"},
		{"aggregate filters", func(q *TraceQuery) { q.Where = AggregateIs(Calculation{Op: OpCount}, FilterGt, 1, Filter{Op: "="}) }, "where.filters[0].column"},
		{"span with children", func(q *TraceQuery) { q.Where = &TraceFilter{Op: TraceSpan, Children: []*TraceFilter{Always()}} }, "where"},
		{"nil child", func(q *TraceQuery) { q.Where = AllOf(nil) }, "where.children[0]"},
	}
	for _, c := range cases {
		q := TraceQuery{Start: t0, End: t0.Add(time.Hour)}
		c.edit(&q)
		err := q.Normalize()
		var fe *FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: error %v, want one on %q", c.name, err, c.field)
		}
	}
	deep := Always()
	for range MaxTraceFilterDepth + 2 {
		deep = NotOf(deep)
	}
	q := TraceQuery{Start: t0, End: t0.Add(time.Hour), Where: deep}
	if err := q.Normalize(); err == nil {
		t.Error("a filter nested too deep was accepted")
	}
	if q := (TraceQuery{Start: t0, End: t0.Add(time.Hour)}); q.Normalize() != nil || q.Reach != DefaultTraceReach || q.Limit != DefaultTraceLimit {
		t.Errorf("defaults: %+v", q)
	}
}
