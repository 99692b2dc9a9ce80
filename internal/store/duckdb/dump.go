package duckdb

import (
	"context"
	"database/sql"
	"iter"
	"time"

	"lookout/internal/model"
	"lookout/internal/store/sqlbuild"
)

// The reads of store.Dumper: every column of every row of a view in a
// time window, in time order, for copying the store elsewhere. DuckDB
// prunes the partitions outside the window by their zone maps.

// DumpSpans implements store.Dumper.
func (s *Store) DumpSpans(ctx context.Context, start, end time.Time) iter.Seq2[model.Span, error] {
	return dump(ctx, s, "spans", spanReadColumns, "start_ns", start, end, scanSpan)
}

// DumpLogs implements store.Dumper.
func (s *Store) DumpLogs(ctx context.Context, start, end time.Time) iter.Seq2[model.LogEvent, error] {
	return dump(ctx, s, "logs", logReadColumns, "time_ns", start, end, scanLog)
}

// DumpMetricPoints implements store.Dumper.
func (s *Store) DumpMetricPoints(ctx context.Context, start, end time.Time) iter.Seq2[model.MetricPoint, error] {
	return dump(ctx, s, "metrics", metricReadColumns, "time_ns", start, end, scanMetric)
}

func dump[T any](ctx context.Context, s *Store, table, columns, timeCol string, start, end time.Time,
	scan func(*sql.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		release, err := s.acquire()
		if err != nil {
			yield(zero, err)
			return
		}
		defer release()
		stmt, args := sqlbuild.Dump(sq, table, columns, timeCol, start, end)
		rows, err := s.db.QueryContext(ctx, stmt, args...)
		sqlbuild.Stream(rows, err, "dump "+table, scan, yield)
	}
}
