package duckdb

import (
	"context"
	"fmt"
	"strings"

	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

var _ store.TraceFinder = (*Store)(nil)

// FindTraces implements store.TraceFinder. One statement: the CTE cand holds
// every candidate trace (a span starting in the window) with its earliest
// start there; a trace filter compiles to a set of (trace_hi, trace_lo)
// built from DISTINCT span selections joined by INTERSECT (all), UNION (any)
// and EXCEPT from cand (not); cand joined to that set, ordered and cut by
// the keyset, is the answer.
func (s *Store) FindTraces(ctx context.Context, project string, q query.TraceQuery) ([]query.TraceRef, error) {
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("find traces: %w", err)
	}
	ctx, cancel := budget(ctx)
	defer cancel()
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()

	tb := &traceSQL{b: *s.sqlFor(query.SourceSpans), project: project, lo: q.Start.Add(-q.Reach).UnixNano(), hi: q.End.Add(q.Reach).UnixNano()}
	b := &tb.b
	stmt := "WITH cand AS (SELECT trace_hi, trace_lo, min(start_ns) AS ts FROM " + spansView + " WHERE project = " +
		b.arg(project) + " AND start_ns >= " + b.arg(q.Start.UnixNano()) + " AND start_ns < " + b.arg(q.End.UnixNano()) +
		" GROUP BY trace_hi, trace_lo)\nSELECT cand.trace_hi, cand.trace_lo, cand.ts FROM cand"
	if q.Where != nil {
		stmt += " JOIN (" + tb.set(q.Where) + ") AS m ON m.trace_hi = cand.trace_hi AND m.trace_lo = cand.trace_lo"
	}
	if q.After != nil {
		hi, lo := rowcodec.TraceHalves(q.After.ID)
		stmt += " WHERE (cand.ts, cand.trace_hi, cand.trace_lo) < (" + b.arg(q.After.Start) + ", " + b.arg(hi) + ", " + b.arg(lo) + ")"
	}
	stmt += "\nORDER BY cand.ts DESC, cand.trace_hi DESC, cand.trace_lo DESC LIMIT " + b.arg(q.Limit)
	rows, err := s.db.QueryContext(ctx, stmt, b.args...)
	if err != nil {
		return nil, fmt.Errorf("find traces: %w", err)
	}
	defer rows.Close()
	var out []query.TraceRef
	for rows.Next() {
		var hi, lo, ts int64
		if err := rows.Scan(&hi, &lo, &ts); err != nil {
			return nil, fmt.Errorf("find traces: scan: %w", err)
		}
		out = append(out, query.TraceRef{ID: rowcodec.TraceFromHalves(hi, lo), Start: ts})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find traces: %w", err)
	}
	return out, nil
}

// traceSQL compiles trace filters into set expressions over the spans of
// project that started in [lo, hi) (the window widened by the reach).
type traceSQL struct {
	b       sqlb
	project string
	lo, hi  int64
}

const traceCols = "trace_hi, trace_lo"

// reach is the condition on the spans a filter reads.
func (t *traceSQL) reach() string {
	return "project = " + t.b.arg(t.project) + " AND start_ns >= " + t.b.arg(t.lo) + " AND start_ns < " + t.b.arg(t.hi)
}

// set returns a SELECT of the distinct (trace_hi, trace_lo) satisfying f.
func (t *traceSQL) set(f *query.TraceFilter) string {
	b := &t.b
	switch f.Op {
	case query.TraceAll, query.TraceAny:
		if len(f.Children) == 0 {
			if f.Op == query.TraceAll {
				return "SELECT " + traceCols + " FROM cand"
			}
			return "SELECT " + traceCols + " FROM cand WHERE false"
		}
		if len(f.Children) == 1 {
			return t.set(f.Children[0])
		}
		op := " INTERSECT "
		var parts, spanConds []string
		for _, c := range f.Children {
			if f.Op == query.TraceAny && c.Op == query.TraceSpan {
				// "some span is a" or "some span is b": one scan for both.
				spanConds = append(spanConds, b.filters(c.Filters, c.Combination))
				continue
			}
			parts = append(parts, "SELECT "+traceCols+" FROM ("+t.set(c)+")")
		}
		if f.Op == query.TraceAny {
			op = " UNION "
			if len(spanConds) > 0 {
				parts = append(parts, "SELECT DISTINCT "+traceCols+" FROM "+spansView+" WHERE "+t.reach()+
					" AND ("+strings.Join(spanConds, " OR ")+")")
			}
		}
		return strings.Join(parts, op)
	case query.TraceNot:
		return "SELECT " + traceCols + " FROM cand EXCEPT SELECT " + traceCols + " FROM (" + t.set(f.Children[0]) + ")"
	case query.TraceSpan:
		return "SELECT DISTINCT " + traceCols + " FROM " + spansView + " WHERE " + t.reach() + " AND " +
			b.filters(f.Filters, f.Combination)
	case query.TraceRoot:
		return t.root(b.filters(f.Filters, f.Combination))
	case query.TraceAggregate:
		agg := "count(*)"
		if f.Calc.Op != query.OpCount {
			agg = map[query.Op]string{query.OpSum: "sum", query.OpAvg: "avg", query.OpMin: "min", query.OpMax: "max"}[f.Calc.Op] +
				"(" + b.col(f.Calc.Column).num + ")"
		}
		return "SELECT " + traceCols + " FROM " + spansView + " WHERE " + t.reach() + " AND " + b.filters(f.Filters, f.Combination) +
			" GROUP BY " + traceCols + " HAVING " + agg + " " + sqlCmp(f.Cmp) + " " + b.arg(f.Value)
	case query.TraceMeasure:
		cmp := sqlCmp(f.Cmp)
		if f.Measure == query.MeasureRootDuration {
			return t.root("duration_ns / 1e6 " + cmp + " " + b.arg(f.Value))
		}
		return "SELECT " + traceCols + " FROM " + spansView + " WHERE " + t.reach() + " GROUP BY " + traceCols +
			" HAVING (max(end_ns) - min(start_ns)) / 1e6 " + cmp + " " + b.arg(f.Value)
	}
	return "SELECT " + traceCols + " FROM cand WHERE false"
}

// sqlCmp spells a comparison operator in SQL.
func sqlCmp(op query.FilterOp) string {
	if op == query.FilterNe {
		return "<>"
	}
	return string(op)
}

// root selects the traces whose root span (the earliest span without a
// parent; of copies of it, the one ending last) satisfies cond.
func (t *traceSQL) root(cond string) string {
	return "SELECT " + traceCols + " FROM (SELECT " + traceCols + ", coalesce(" + cond + ", false) AS ok, " +
		"row_number() OVER (PARTITION BY " + traceCols + " ORDER BY start_ns, span_id, end_ns DESC) AS rn FROM " +
		spansView + " WHERE " + t.reach() + " AND parent_span_id = 0) WHERE rn = 1 AND ok"
}
