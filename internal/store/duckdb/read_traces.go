package duckdb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// defaultTraceLimit is the number of summaries SearchTraces returns when the
// query sets no limit.
const defaultTraceLimit = 20

// Trace returns the spans of one trace ordered by start time (then span id).
// Two steps: the trace index (traceindex.go) gives the partitions that hold
// the trace and the range of its spans' starts in each; then only the row
// groups of those partitions' spans whose start_ns zone maps overlap that
// range are read. Ids are inlined as integer literals rather than bound:
// DuckDB prunes row groups by zone maps only for constants. See
// BenchmarkTraceByID.
func (s *Store) Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	hi, lo := rowcodec.TraceHalves(id)
	ranges, err := s.traceRanges(ctx, hi, lo)
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", id, err)
	}
	if len(ranges) == 0 {
		return nil, fmt.Errorf("trace %s: %w", id, store.ErrNotFound)
	}
	var q strings.Builder
	args := make([]any, 0, len(ranges))
	for i, r := range ranges {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&q, "SELECT %s FROM %s.main.spans WHERE trace_hi = %d AND trace_lo = %d AND start_ns BETWEEN %d AND %d AND project = ?",
			spanReadColumns, r.catalog, hi, lo, r.first, r.last)
		args = append(args, project)
	}
	q.WriteString(" ORDER BY start_ns, span_id")
	rows, err := s.db.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", id, err)
	}
	defer rows.Close()
	var spans []model.Span
	for rows.Next() {
		sp, err := scanSpan(rows)
		if err != nil {
			return nil, fmt.Errorf("trace %s: %w", id, err)
		}
		spans = append(spans, sp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("trace %s: %w", id, err)
	}
	if len(spans) == 0 {
		return nil, fmt.Errorf("trace %s: %w", id, store.ErrNotFound)
	}
	return spans, nil
}

// traceRange is where a trace's spans are in one partition.
type traceRange struct {
	catalog     string
	first, last int64
}

// traceRanges looks the trace up in the trace index. Call it after acquire:
// the partitions it names stay attached until the release.
func (s *Store) traceRanges(ctx context.Context, hi, lo int64) ([]traceRange, error) {
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(
		"SELECT part, min(first_ns), max(last_ns) FROM %s WHERE trace_hi = %d AND trace_lo = %d GROUP BY part",
		traceIndexView, hi, lo))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []traceRange
	for rows.Next() {
		var r traceRange
		if err := rows.Scan(&r.catalog, &r.first, &r.last); err != nil {
			return nil, err
		}
		if !catalogRE.MatchString(r.catalog) { // it is inlined in SQL
			return nil, fmt.Errorf("trace index names partition %q", r.catalog)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// where accumulates SQL conditions and their bound arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string { return strings.Join(w.conds, " AND ") }

// tagCondition adds the condition of one search tag. "service.name" reads the
// service column, which also matches spans whose sender set none
// (model.UnknownService). Other attributes match the first span attribute of
// that key, or else the first resource attribute, rendered as text.
func (w *where) tag(t store.Tag) {
	switch t.Key {
	case "name":
		w.add("name = ?", t.Value)
	case "status":
		code, ok := model.ParseStatusCode(t.Value)
		if !ok {
			w.add("false")
			return
		}
		w.add("status_code = ?", int32(code))
	case "service.name":
		w.add("service = ?", t.Value)
	default:
		w.add("(attr_values[list_position(attr_keys, ?)] = ? OR res_values[list_position(res_keys, ?)] = ?)",
			t.Key, t.Value, t.Key, t.Value)
	}
}

// searchReach is how far before and after a search window spans are read:
// a trace whose spans all start more than that before the window is not
// found, and a trace longer than that is summarised from the spans within
// reach.
const searchReach = time.Hour

// SearchTraces implements store.TraceReader. The tags select traces by one
// span that satisfies them all; the time window and durations then apply to
// the whole trace (first start to last end), which the query aggregates over
// the candidate traces' spans within searchReach of the window. The root is
// the parentless span that starts first (ties broken by span id), else the
// earliest span.
func (s *Store) SearchTraces(ctx context.Context, q store.TraceQuery) ([]store.TraceSummary, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()

	// Only spans starting within searchReach of the window are read, so a
	// search costs what its window holds rather than the whole store.
	reach := where{}
	reach.add("project = ?", q.Project)
	if !q.Start.IsZero() {
		reach.add("start_ns >= ?", q.Start.Add(-searchReach).UnixNano())
	}
	if !q.End.IsZero() {
		reach.add("start_ns < ?", q.End.Add(searchReach).UnixNano())
	}
	var args []any
	from := spansView
	if len(q.Tags) > 0 {
		hits := where{}
		hits.add(reach.String(), reach.args...)
		for _, t := range q.Tags {
			hits.tag(t)
		}
		from = "(SELECT s.* FROM " + spansView + " s JOIN (SELECT DISTINCT trace_hi, trace_lo FROM " + spansView +
			" WHERE " + hits.String() + ") h USING (trace_hi, trace_lo))"
		args = append(args, hits.args...)
	}
	args = append(args, reach.args...)
	outer := where{}
	outer.add("true")
	if !q.End.IsZero() {
		outer.add("ts < ?", q.End.UnixNano())
	}
	if !q.Start.IsZero() {
		outer.add("te >= ?", q.Start.UnixNano())
	}
	if q.MinDuration > 0 {
		outer.add("dur >= ?", q.MinDuration.Nanoseconds())
	}
	if q.MaxDuration > 0 {
		outer.add("dur <= ?", q.MaxDuration.Nanoseconds())
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTraceLimit
	}
	args = append(args, outer.args...)
	args = append(args, limit)
	query := `SELECT trace_hi, trace_lo, root_service, root_name, ts, dur, n, errs FROM (
	SELECT trace_hi, trace_lo, min(start_ns) AS ts, max(end_ns) AS te, greatest(max(end_ns) - min(start_ns), 0) AS dur,
		count(*) AS n, count(*) FILTER (WHERE status_code = 2) AS errs,
		arg_min(service, {'r': parent_span_id <> 0, 's': start_ns, 'i': span_id}) AS root_service,
		arg_min(name, {'r': parent_span_id <> 0, 's': start_ns, 'i': span_id}) AS root_name
	FROM ` + from + ` WHERE ` + reach.String() + ` GROUP BY trace_hi, trace_lo
) WHERE ` + outer.String() + ` ORDER BY ts DESC, trace_hi, trace_lo LIMIT ?`

	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search traces: %w", err)
	}
	defer rows.Close()
	var out []store.TraceSummary
	for rows.Next() {
		var ts store.TraceSummary
		var hi, lo int64
		if err := rows.Scan(&hi, &lo, &ts.RootServiceName, &ts.RootTraceName, &ts.StartUnixNano,
			&ts.DurationNano, &ts.SpanCount, &ts.ErrorCount); err != nil {
			return nil, fmt.Errorf("search traces: scan: %w", err)
		}
		ts.TraceID = rowcodec.TraceFromHalves(hi, lo)
		out = append(out, ts)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search traces: %w", err)
	}
	return out, nil
}

// Services counts spans (by start) and log events (by time) per service in
// [start, end); zero times mean no bound. Ordered by name.
func (s *Store) Services(ctx context.Context, project string, start, end time.Time) ([]store.ServiceStat, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	window := func(col string) *where {
		w := &where{}
		w.add("project = ?", project)
		if !start.IsZero() {
			w.add(col+" >= ?", start.UnixNano())
		}
		if !end.IsZero() {
			w.add(col+" < ?", end.UnixNano())
		}
		return w
	}
	sw, lw := window("start_ns"), window("time_ns")
	query := `SELECT service, sum(sc)::BIGINT, sum(lc)::BIGINT FROM (
	SELECT service, count(*) AS sc, 0 AS lc FROM ` + spansView + ` WHERE ` + sw.String() + ` GROUP BY service
	UNION ALL
	SELECT service, 0 AS sc, count(*) AS lc FROM ` + logsView + ` WHERE ` + lw.String() + ` GROUP BY service
) GROUP BY service ORDER BY service`
	rows, err := s.db.QueryContext(ctx, query, append(sw.args, lw.args...)...)
	if err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	defer rows.Close()
	var out []store.ServiceStat
	for rows.Next() {
		var st store.ServiceStat
		if err := rows.Scan(&st.Name, &st.SpanCount, &st.LogCount); err != nil {
			return nil, fmt.Errorf("services: scan: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	return out, nil
}
