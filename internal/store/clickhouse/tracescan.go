package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/sqlbuild"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Reads for trace-level APIs (the X-Ray read API, trace lint) that work on
// many traces at once: store.TraceScanner.

// TraceStarts implements store.TraceScanner. Ties on the start are ordered
// by the trace id's halves, descending, as signed integers.
func (s *Store) TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	if q.Limit <= 0 {
		return nil, fmt.Errorf("trace starts: limit %d: must be positive", q.Limit)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	stmt, args := sqlbuild.TraceStarts(sq, q)
	return s.traceRefs(ctx, "trace starts", stmt, args...)
}

// traceRefs runs a query of (trace_hi, trace_lo, start) rows.
func (s *Store) traceRefs(ctx context.Context, what, stmt string, args ...any) ([]query.TraceRef, error) {
	rows, err := s.conn.Query(ctx, stmt, args...)
	return sqlbuild.Collect(rows, err, what, sqlbuild.ScanTraceRef[driver.Rows])
}

// sqlString quotes s as a ClickHouse string literal.
func sqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// keepCondition is the condition over attribute key k that keeps what
// trim does not drop; "" when trim drops nothing. Keys are inlined as
// quoted literals, as the condition runs inside a lambda.
func keepCondition(trim store.SpanTrim) string {
	var conds []string
	for _, k := range trim.Keys {
		conds = append(conds, "k != "+sqlString(k))
	}
	for _, p := range trim.Prefixes {
		conds = append(conds, "NOT startsWith(k, "+sqlString(p)+")")
	}
	return strings.Join(conds, " AND ")
}

// SpansOfTraces implements store.TraceScanner: the trace index locates the
// spans of all the traces, then one read fetches them.
func (s *Store) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error) {
	if len(ids) == 0 {
		return [][]model.Span{}, nil
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	ranges, err := s.locate(ctx, project, ids)
	if err != nil {
		return nil, fmt.Errorf("spans of %d traces: %w", len(ids), err)
	}
	if len(ranges) == 0 {
		return make([][]model.Span, len(ids)), nil
	}
	cols := spanReadColumns
	if keep := keepCondition(trim); keep != "" {
		cols = trimmedSpanColumns(keep)
	}
	w := spansWhere(project, ids, ranges)
	rows, err := s.conn.Query(ctx, "SELECT "+cols+" FROM spans WHERE "+w.String()+" ORDER BY start_ns, span_id", w.Args()...)
	return sqlbuild.ByTrace(rows, err, fmt.Sprintf("spans of %d traces", len(ids)), ids, scanSpan)
}

// ServerSpanNames implements store.TraceScanner.
func (s *Store) ServerSpanNames(ctx context.Context, project string, start, end time.Time) ([]store.NameCount, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	w := newWhere()
	w.Add("project = ?", project)
	w.Add("kind = ?", int32(model.SpanKindServer))
	w.Window("start_ns", start, end)
	res := func(k string) string { return "res_values[indexOf(res_keys, '" + k + "')]" }
	has := func(k string) string { return "has(res_keys, '" + k + "')" }
	instance := "multiIf(" + has("host.id") + ", " + res("host.id") + ", " + has("container.id") + ", " + res("container.id") + ", " +
		has("k8s.pod.name") + ", " + res("k8s.pod.name") + ", " + has("service.instance.id") + ", " + res("service.instance.id") + ", '')"
	sql := `SELECT service, name, ` + instance + ` AS instance,
	extract(attr_values[indexOf(attr_keys, 'url.full')], '^[a-zA-Z]+://([^/?#]*)') AS url_host,
	` + res("xray.udp.source") + ` AS source,
	scope_name, toInt64(count()), max(start_ns)
FROM spans WHERE ` + w.String() + `
GROUP BY service, name, instance, url_host, source, scope_name ORDER BY service, name, instance, url_host, source, scope_name`
	rows, err := s.conn.Query(ctx, sql, w.Args()...)
	if err != nil {
		return nil, fmt.Errorf("server span names: %w", err)
	}
	defer rows.Close()
	var out []store.NameCount
	for rows.Next() {
		var n store.NameCount
		if err := rows.Scan(&n.Service, &n.Name, &n.Instance, &n.URLHost, &n.Source, &n.Scope, &n.Count, &n.LastNano); err != nil {
			return nil, fmt.Errorf("server span names: scan: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("server span names: %w", err)
	}
	return out, nil
}
