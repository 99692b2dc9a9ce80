package duckdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lookout/internal/model"
)

// Reads for trace-level APIs (the X-Ray read API, trace lint) that work on
// many traces at once. They speak only the model: which protocol a span came
// from is the caller's business.

// docAttr and metaPrefix are the attributes SpansOfTraces leaves out: the
// original X-Ray document and X-Ray metadata, large texts not needed to
// summarise, filter or lint a trace.
const (
	docAttr    = "aws.xray.segment.document"
	metaPrefix = "aws.xray.metadata."
)

// TraceStarts returns up to limit traces that have a span starting in
// [start, end), newest first: ids[i] with starts[i], the earliest start of
// its spans in the window. Paging is by keyset: pass the last id and start
// of the previous page as after and afterStart (zero id: from the top).
// With service set, only spans of that service count.
func (s *Store) TraceStarts(ctx context.Context, project, service string, start, end time.Time,
	after model.TraceID, afterStart int64, limit int) (ids []model.TraceID, starts []int64, err error) {
	release, err := s.acquire()
	if err != nil {
		return nil, nil, err
	}
	defer release()
	w := where{}
	w.add("project = ?", project)
	if !start.IsZero() {
		w.add("start_ns >= ?", start.UnixNano())
	}
	if !end.IsZero() {
		w.add("start_ns < ?", end.UnixNano())
	}
	if service != "" {
		w.add("service = ?", service)
	}
	having := ""
	args := w.args
	if !after.IsZero() {
		hi, lo := traceHalves(after)
		having = " HAVING (min(start_ns), trace_hi, trace_lo) < (?, ?, ?)"
		args = append(args, afterStart, hi, lo)
	}
	args = append(args, limit)
	q := "SELECT trace_hi, trace_lo, min(start_ns) AS ts FROM " + spansView + " WHERE " + w.String() +
		" GROUP BY trace_hi, trace_lo" + having + " ORDER BY ts DESC, trace_hi DESC, trace_lo DESC LIMIT ?"
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("trace starts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var hi, lo, ts int64
		if err := rows.Scan(&hi, &lo, &ts); err != nil {
			return nil, nil, fmt.Errorf("trace starts: scan: %w", err)
		}
		ids, starts = append(ids, traceFromHalves(hi, lo)), append(starts, ts)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("trace starts: %w", err)
	}
	return ids, starts, nil
}

// lightList selects an attribute list without the document and metadata
// attributes (both strings, so the nested-value order is unchanged).
func lightList(col string) string {
	return fmt.Sprintf("list_transform(list_filter(range(1, len(attr_keys) + 1), i -> attr_keys[i] <> '%s' AND NOT starts_with(attr_keys[i], '%s')), i -> %s[i])",
		docAttr, metaPrefix, col)
}

// SpansOfTraces returns the spans of the given traces, grouped by trace (in
// the order of ids) and ordered by start time within one. Spans come without
// the attributes aws.xray.segment.document and aws.xray.metadata.*; read a
// whole trace with Trace. Unknown ids are skipped.
func (s *Store) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID) ([][]model.Span, error) {
	out := make([][]model.Span, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	index := make(map[model.TraceID]int, len(ids))
	his, los := make([]string, 0, len(ids)), make([]string, 0, len(ids))
	for i, id := range ids {
		index[id] = i
		hi, lo := traceHalves(id)
		his, los = append(his, strconv.FormatInt(hi, 10)), append(los, strconv.FormatInt(lo, 10))
	}
	cols := strings.Replace(spanReadColumns, "attr_keys, attr_values, attr_types",
		lightList("attr_keys")+", "+lightList("attr_values")+", "+lightList("attr_types"), 1)
	// Ids are integers rendered by strconv: safe to inline, and an inlined IN
	// list lets DuckDB prune by zone maps where bound lists would not.
	q := "SELECT " + cols + " FROM " + spansView + " WHERE project = ? AND trace_hi IN (" + strings.Join(his, ",") +
		") AND trace_lo IN (" + strings.Join(los, ",") + ") ORDER BY start_ns, span_id"
	rows, err := s.db.QueryContext(ctx, q, project)
	if err != nil {
		return nil, fmt.Errorf("spans of %d traces: %w", len(ids), err)
	}
	defer rows.Close()
	for rows.Next() {
		sp, err := scanSpan(rows)
		if err != nil {
			return nil, fmt.Errorf("spans of %d traces: %w", len(ids), err)
		}
		if i, ok := index[sp.TraceID]; ok {
			out[i] = append(out[i], sp)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("spans of %d traces: %w", len(ids), err)
	}
	return out, nil
}

// NameCount is how often spans of a kind with one name were seen for one
// resource identity, and with which request host.
type NameCount struct {
	Service  string // the resource's service.name
	Name     string // the span name (for an X-Ray segment, the segment name)
	Instance string // host.id, container.id, k8s.pod.name or service.instance.id, else ""
	URLHost  string // host[:port] of url.full, else ""
	Scope    string // instrumentation scope name
	Count    int64
	LastNano int64 // the newest start
}

// ServerSpanNames counts SERVER spans in [start, end) by service, name,
// instance and request host: where a service's span names came from.
func (s *Store) ServerSpanNames(ctx context.Context, project string, start, end time.Time) ([]NameCount, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	w := where{}
	w.add("project = ?", project)
	w.add("kind = ?", int32(model.SpanKindServer))
	if !start.IsZero() {
		w.add("start_ns >= ?", start.UnixNano())
	}
	if !end.IsZero() {
		w.add("start_ns < ?", end.UnixNano())
	}
	res := func(k string) string { return "res_values[list_position(res_keys, '" + k + "')]" }
	q := `SELECT service, name, instance, url_host, scope_name, count(*), max(start_ns) FROM (
	SELECT service, name, scope_name,
		coalesce(` + res("host.id") + `, ` + res("container.id") + `, ` + res("k8s.pod.name") + `, ` + res("service.instance.id") + `, '') AS instance,
		coalesce(regexp_extract(attr_values[list_position(attr_keys, 'url.full')], '^[a-zA-Z]+://([^/?#]*)', 1), '') AS url_host,
		start_ns
	FROM ` + spansView + ` WHERE ` + w.String() + `
) GROUP BY ALL ORDER BY service, name, instance, url_host`
	rows, err := s.db.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("server span names: %w", err)
	}
	defer rows.Close()
	var out []NameCount
	for rows.Next() {
		var n NameCount
		if err := rows.Scan(&n.Service, &n.Name, &n.Instance, &n.URLHost, &n.Scope, &n.Count, &n.LastNano); err != nil {
			return nil, fmt.Errorf("server span names: scan: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("server span names: %w", err)
	}
	return out, nil
}
