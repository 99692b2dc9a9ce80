package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
	"lookout/internal/store/sqlbuild"
)

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
	spans, err := sqlbuild.Collect(rows, err, "trace "+id.String(), scanSpan)
	if err != nil {
		return nil, err
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

// SearchTraces implements store.TraceReader (see sqlbuild.SearchTraces).
func (s *Store) SearchTraces(ctx context.Context, q store.TraceQuery) ([]store.TraceSummary, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	stmt, args := sqlbuild.SearchTraces(sq, q)
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	return sqlbuild.Collect(rows, err, "search traces", sqlbuild.ScanSummary[*sql.Rows])
}

// Services counts spans (by start) and log events (by time) per service in
// [start, end); zero times mean no bound. Ordered by name.
func (s *Store) Services(ctx context.Context, project string, start, end time.Time) ([]store.ServiceStat, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	stmt, args := sqlbuild.Services(sq, project, start, end)
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	return sqlbuild.Collect(rows, err, "services", sqlbuild.ScanServiceStat[*sql.Rows])
}
