package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/sqlbuild"
)

// Reads for trace-level APIs (the X-Ray read API, trace lint) that work on
// many traces at once: store.TraceScanner.

var _ store.TraceScanner = (*Store)(nil)

// TraceStarts implements store.TraceScanner.
func (s *Store) TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	if q.Limit <= 0 {
		return nil, fmt.Errorf("trace starts: limit %d: must be positive", q.Limit)
	}
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	stmt, args := sqlbuild.TraceStarts(sq, q)
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	return sqlbuild.Collect(rows, err, "trace starts", sqlbuild.ScanTraceRef[*sql.Rows])
}

// trimmedList selects an attribute list without the attributes trim drops.
// Keys are inlined as SQL string literals (quotes doubled) because the
// lambda runs per row and bound parameters cannot be used inside it.
func trimmedList(col string, trim store.SpanTrim) string {
	var conds []string
	for _, k := range trim.Keys {
		conds = append(conds, "attr_keys[i] <> "+sqlString(k))
	}
	for _, p := range trim.Prefixes {
		conds = append(conds, "NOT starts_with(attr_keys[i], "+sqlString(p)+")")
	}
	return fmt.Sprintf("list_transform(list_filter(range(1, len(attr_keys) + 1), i -> %s), i -> %s[i])",
		strings.Join(conds, " AND "), col)
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SpansOfTraces implements store.TraceScanner.
func (s *Store) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error) {
	if len(ids) == 0 {
		return [][]model.Span{}, nil
	}
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	his, los := sqlbuild.TraceHalves(ids)
	cols := spanReadColumns
	if len(trim.Keys)+len(trim.Prefixes) > 0 {
		cols = strings.Replace(cols, "attr_keys, attr_values, attr_types",
			trimmedList("attr_keys", trim)+", "+trimmedList("attr_values", trim)+", "+trimmedList("attr_types", trim), 1)
	}
	// Inlined ids let DuckDB prune by zone maps where bound lists would not.
	q := "SELECT " + cols + " FROM " + spansView + " WHERE project = ? AND trace_hi IN (" + his +
		") AND trace_lo IN (" + los + ") ORDER BY start_ns, span_id"
	rows, err := s.db.QueryContext(ctx, q, project)
	return sqlbuild.ByTrace(rows, err, fmt.Sprintf("spans of %d traces", len(ids)), ids, scanSpan)
}

// ServerSpanNames implements store.TraceScanner.
func (s *Store) ServerSpanNames(ctx context.Context, project string, start, end time.Time) ([]store.NameCount, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	w := newWhere().Add("project = ?", project).Add("kind = ?", int32(model.SpanKindServer)).Window("start_ns", start, end)
	res := func(k string) string { return "res_values[list_position(res_keys, '" + k + "')]" }
	q := `SELECT service, name, instance, url_host, source, scope_name, count(*), max(start_ns) FROM (
	SELECT service, name, scope_name,
		coalesce(` + res("host.id") + `, ` + res("container.id") + `, ` + res("k8s.pod.name") + `, ` + res("service.instance.id") + `, '') AS instance,
		coalesce(regexp_extract(attr_values[list_position(attr_keys, 'url.full')], '^[a-zA-Z]+://([^/?#]*)', 1), '') AS url_host,
		coalesce(` + res("xray.udp.source") + `, '') AS source,
		start_ns
	FROM ` + spansView + ` WHERE ` + w.String() + `
) GROUP BY ALL ORDER BY service, name, instance, url_host, source, scope_name`
	rows, err := s.db.QueryContext(ctx, q, w.Args()...)
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
