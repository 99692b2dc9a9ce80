package clickhouse

import (
	"context"
	"fmt"
	"strings"

	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

var _ store.TraceFinder = (*Store)(nil)

// FindTraces implements store.TraceFinder. One statement groups the spans
// starting in the window by trace; a trace filter compiles to a condition
// on (trace_hi, trace_lo) of those spans: membership in sets that
// subqueries over the spans within reach build (ClickHouse evaluates each
// IN subquery once), joined by AND, OR and NOT (18.16 has no INTERSECT or
// EXCEPT).
func (s *Store) FindTraces(ctx context.Context, project string, q query.TraceQuery) ([]query.TraceRef, error) {
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("find traces: %w", err)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()

	t := &traceSQL{b: *newSQL(query.SourceSpans), project: project,
		lo: q.Start.Add(-q.Reach).UnixNano(), hi: q.End.Add(q.Reach).UnixNano()}
	b := &t.b
	cond := "1"
	if q.Where != nil {
		cond = t.cond(q.Where)
	}
	having := "1"
	if q.After != nil {
		hi, lo := rowcodec.TraceHalves(q.After.ID)
		having = "(ts, trace_hi, trace_lo) < (" + b.arg(q.After.Start) + ", " + b.arg(hi) + ", " + b.arg(lo) + ")"
	}
	sql := "SELECT trace_hi, trace_lo, min(start_ns) AS ts FROM spans WHERE project = " + b.arg(project) +
		" AND start_ns >= " + b.arg(q.Start.UnixNano()) + " AND start_ns < " + b.arg(q.End.UnixNano()) + " AND " + cond +
		" GROUP BY trace_hi, trace_lo HAVING " + having +
		" ORDER BY ts DESC, trace_hi DESC, trace_lo DESC LIMIT " + b.arg(q.Limit)
	return s.traceRefs(ctx, "find traces", sql, b.args...)
}

// traceSQL compiles trace filters into conditions on the trace id, over
// the spans of project that started in [lo, hi) (the window widened by
// the reach).
type traceSQL struct {
	b       sqlb
	project string
	lo, hi  int64
}

const traceKey = "(trace_hi, trace_lo)"

// reach is the condition on the spans a filter reads.
func (t *traceSQL) reach() string {
	return "project = " + t.b.arg(t.project) + " AND start_ns >= " + t.b.arg(t.lo) + " AND start_ns < " + t.b.arg(t.hi)
}

// in is the condition that the trace is among those the subquery selects.
func (t *traceSQL) in(subquery string) string {
	return traceKey + " IN (" + subquery + ")"
}

// cond returns the condition a trace satisfying f meets.
func (t *traceSQL) cond(f *query.TraceFilter) string {
	b := &t.b
	switch f.Op {
	case query.TraceAll, query.TraceAny:
		if len(f.Children) == 0 {
			if f.Op == query.TraceAll {
				return "1"
			}
			return "0"
		}
		var parts, spanConds []string
		for _, c := range f.Children {
			if f.Op == query.TraceAny && c.Op == query.TraceSpan {
				// "some span is a" or "some span is b": one set for both.
				spanConds = append(spanConds, b.filters(c.Filters, c.Combination))
				continue
			}
			parts = append(parts, t.cond(c))
		}
		if len(spanConds) > 0 {
			parts = append(parts, t.in("SELECT trace_hi, trace_lo FROM spans WHERE "+t.reach()+" AND ("+strings.Join(spanConds, " OR ")+")"))
		}
		sep := " AND "
		if f.Op == query.TraceAny {
			sep = " OR "
		}
		return "(" + strings.Join(parts, sep) + ")"
	case query.TraceNot:
		return "NOT (" + t.cond(f.Children[0]) + ")"
	case query.TraceSpan:
		return t.in("SELECT trace_hi, trace_lo FROM spans WHERE " + t.reach() + " AND " + b.filters(f.Filters, f.Combination))
	case query.TraceRoot:
		return t.root(b.filters(f.Filters, f.Combination))
	case query.TraceAggregate:
		// Over the spans that match; a trace with none does not form a
		// group, and one whose aggregate is NULL (no numeric value) fails.
		agg := "count()"
		if f.Calc.Op != query.OpCount {
			agg = aggregateFuncs[f.Calc.Op] + "(" + b.col(f.Calc.Column).num + ")"
		}
		return t.in("SELECT trace_hi, trace_lo FROM spans WHERE " + t.reach() + " AND " + b.filters(f.Filters, f.Combination) +
			" GROUP BY trace_hi, trace_lo HAVING ifNull(" + agg + " " + string(f.Cmp) + " " + b.arg(f.Value) + ", 0)")
	case query.TraceMeasure:
		cmp := string(f.Cmp)
		if f.Measure == query.MeasureRootDuration {
			return t.root("duration_ns / 1e6 " + cmp + " " + b.arg(f.Value))
		}
		return t.in("SELECT trace_hi, trace_lo FROM spans WHERE " + t.reach() + " GROUP BY trace_hi, trace_lo" +
			" HAVING (max(end_ns) - min(start_ns)) / 1e6 " + cmp + " " + b.arg(f.Value))
	}
	return "0"
}

// aggregateFuncs spells the numeric calculations of TraceAggregate.
var aggregateFuncs = map[query.Op]string{query.OpSum: "sum", query.OpAvg: "avg", query.OpMin: "min", query.OpMax: "max"}

// root is the condition that the trace's root span (the earliest span
// without a parent; of copies of it, the one ending last) satisfies cond.
func (t *traceSQL) root(cond string) string {
	return t.in("SELECT trace_hi, trace_lo FROM spans WHERE " + t.reach() + " AND parent_span_id = 0" +
		" GROUP BY trace_hi, trace_lo HAVING argMin(ifNull(" + cond + ", 0), (start_ns, span_id, -end_ns))")
}
