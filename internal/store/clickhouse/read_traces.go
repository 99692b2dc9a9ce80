package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// defaultTraceLimit is the number of summaries SearchTraces returns when the
// query sets no limit.
const defaultTraceLimit = 20

// where accumulates SQL conditions and their bound arguments (? marks).
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return "1"
	}
	return strings.Join(w.conds, " AND ")
}

// window adds col >= start and col < end for the bounds that are set.
func (w *where) window(col string, start, end time.Time) {
	if !start.IsZero() {
		w.add(col+" >= ?", start.UnixNano())
	}
	if !end.IsZero() {
		w.add(col+" < ?", end.UnixNano())
	}
}

// traceRange is where the spans of one trace lie: per service, the range of
// their starts, from the trace index.
type traceRange struct {
	service     string
	first, last int64
}

// locate returns the ranges of the traces' spans in project, from the
// trace index (ordered by trace id: a lookup reads a granule per part).
func (s *Store) locate(ctx context.Context, project string, ids []model.TraceID) ([]traceRange, error) {
	w := &where{}
	w.add("project = ?", project)
	var ors []string
	for _, id := range ids {
		hi, lo := rowcodec.TraceHalves(id)
		ors = append(ors, "(trace_hi = ? AND trace_lo = ?)")
		w.args = append(w.args, hi, lo)
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
	rows, err := s.conn.Query(ctx, "SELECT service, min(first_ns), max(last_ns) FROM trace_index WHERE "+w.String()+
		" GROUP BY service ORDER BY service", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []traceRange
	for rows.Next() {
		var r traceRange
		if err := rows.Scan(&r.service, &r.first, &r.last); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// spansWhere is the condition selecting the spans of the traces in
// project: each service's start range (the table's sort key) narrows the
// granules read to those of the traces.
func spansWhere(project string, ids []model.TraceID, ranges []traceRange) *where {
	w := &where{}
	w.add("project = ?", project)
	var ors []string
	for _, r := range ranges {
		ors = append(ors, "(service = ? AND start_ns >= ? AND start_ns <= ?)")
		w.args = append(w.args, r.service, r.first, r.last)
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
	his, los := make([]int64, len(ids)), make([]int64, len(ids))
	for i, id := range ids {
		his[i], los[i] = rowcodec.TraceHalves(id)
	}
	w.add("trace_hi IN (" + intList(his) + ") AND trace_lo IN (" + intList(los) + ")")
	return w
}

// intList renders integers as a SQL list; they are inlined, as the client
// binds a slice as an array.
func intList(vs []int64) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(v, 10))
	}
	return b.String()
}

// marks returns n comma-separated ? marks and the values as arguments.
func marks[T any](vs []T) (string, []any) {
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(vs)), ", "), args
}

// Trace returns the spans of one trace ordered by start time (then span
// id): a lookup in the trace index, then a read of the granules of the
// spans it points to.
func (s *Store) Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	ranges, err := s.locate(ctx, project, []model.TraceID{id})
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", id, err)
	}
	if len(ranges) == 0 {
		return nil, fmt.Errorf("trace %s: %w", id, store.ErrNotFound)
	}
	w := spansWhere(project, []model.TraceID{id}, ranges)
	rows, err := s.conn.Query(ctx, "SELECT "+spanReadColumns+" FROM spans WHERE "+w.String()+" ORDER BY start_ns, span_id", w.args...)
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

// tag adds the condition of one search tag. "service.name" reads the
// service column, which also matches spans whose sender set none
// (model.UnknownService). Other keys match a span attribute or a resource
// attribute of that key, rendered as text.
func (w *where) tag(t store.Tag) {
	switch t.Key {
	case "name":
		w.add("name = ?", t.Value)
	case "status":
		code, ok := model.ParseStatusCode(t.Value)
		if !ok {
			w.add("0")
			return
		}
		w.add("status_code = ?", int32(code))
	case "service.name":
		w.add("service = ?", t.Value)
	default:
		w.add("(has(arrayFilter((v, k) -> k = ?, attr_values, attr_keys), ?) OR has(arrayFilter((v, k) -> k = ?, res_values, res_keys), ?))",
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
// the whole trace (first start to last end), aggregated over the candidate
// traces' spans within searchReach of the window. The root is the
// parentless span that starts first (ties broken by span id), else the
// earliest span.
func (s *Store) SearchTraces(ctx context.Context, q store.TraceQuery) ([]store.TraceSummary, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	reach := &where{}
	reach.add("project = ?", q.Project)
	if !q.Start.IsZero() {
		reach.add("start_ns >= ?", q.Start.Add(-searchReach).UnixNano())
	}
	if !q.End.IsZero() {
		reach.add("start_ns < ?", q.End.Add(searchReach).UnixNano())
	}
	w := &where{}
	w.add(reach.String(), reach.args...)
	if len(q.Tags) > 0 {
		hits := &where{}
		hits.add(reach.String(), reach.args...)
		for _, t := range q.Tags {
			hits.tag(t)
		}
		w.add("(trace_hi, trace_lo) IN (SELECT trace_hi, trace_lo FROM spans WHERE "+hits.String()+")", hits.args...)
	}
	having := &where{}
	if !q.End.IsZero() {
		having.add("ts < ?", q.End.UnixNano())
	}
	if !q.Start.IsZero() {
		having.add("te >= ?", q.Start.UnixNano())
	}
	if q.MinDuration > 0 {
		having.add("dur >= ?", q.MinDuration.Nanoseconds())
	}
	if q.MaxDuration > 0 {
		having.add("dur <= ?", q.MaxDuration.Nanoseconds())
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultTraceLimit
	}
	sql := `SELECT trace_hi, trace_lo,
	argMin(service, (parent_span_id != 0, start_ns, span_id)) AS root_service,
	argMin(name, (parent_span_id != 0, start_ns, span_id)) AS root_name,
	min(start_ns) AS ts, max(end_ns) AS te, greatest(te - ts, 0) AS dur,
	toInt64(count()) AS n, toInt64(countIf(status_code = 2)) AS errs
FROM spans WHERE ` + w.String() + `
GROUP BY trace_hi, trace_lo HAVING ` + having.String() + `
ORDER BY ts DESC, trace_hi, trace_lo LIMIT ?`
	args := append(append(w.args, having.args...), limit)
	rows, err := s.conn.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("search traces: %w", err)
	}
	defer rows.Close()
	var out []store.TraceSummary
	for rows.Next() {
		var ts store.TraceSummary
		var hi, lo, end int64
		if err := rows.Scan(&hi, &lo, &ts.RootServiceName, &ts.RootTraceName, &ts.StartUnixNano, &end,
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
	if err := s.check(); err != nil {
		return nil, err
	}
	sw, lw := &where{}, &where{}
	sw.add("project = ?", project)
	sw.window("start_ns", start, end)
	lw.add("project = ?", project)
	lw.window("time_ns", start, end)
	sql := `SELECT service, toInt64(sum(sc)), toInt64(sum(lc)) FROM (
	SELECT service, count() AS sc, toUInt64(0) AS lc FROM spans WHERE ` + sw.String() + ` GROUP BY service
	UNION ALL
	SELECT service, toUInt64(0) AS sc, count() AS lc FROM logs WHERE ` + lw.String() + ` GROUP BY service
) GROUP BY service ORDER BY service`
	rows, err := s.conn.Query(ctx, sql, append(sw.args, lw.args...)...)
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
