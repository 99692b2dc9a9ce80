package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"time"

	"lookout/internal/model"
)

// The reads of store.Dumper: every column of every row of a view in a
// time window, in time order, for copying the store elsewhere. DuckDB
// prunes the partitions outside the window by their zone maps.

// DumpSpans implements store.Dumper.
func (s *Store) DumpSpans(ctx context.Context, start, end time.Time) iter.Seq2[model.Span, error] {
	return dump(ctx, s, "spans", "SELECT "+spanReadColumns+" FROM "+spansView+
		" WHERE start_ns >= ? AND start_ns < ? ORDER BY start_ns", start, end, scanSpan)
}

// DumpLogs implements store.Dumper.
func (s *Store) DumpLogs(ctx context.Context, start, end time.Time) iter.Seq2[model.LogEvent, error] {
	return dump(ctx, s, "logs", "SELECT "+logReadColumns+" FROM "+logsView+
		" WHERE time_ns >= ? AND time_ns < ? ORDER BY time_ns", start, end, scanLog)
}

// DumpMetricPoints implements store.Dumper.
func (s *Store) DumpMetricPoints(ctx context.Context, start, end time.Time) iter.Seq2[model.MetricPoint, error] {
	return dump(ctx, s, "metric points", "SELECT "+metricReadColumns+" FROM "+metricsView+
		" WHERE time_ns >= ? AND time_ns < ? ORDER BY time_ns", start, end, scanMetric)
}

func dump[T any](ctx context.Context, s *Store, what, query string, start, end time.Time,
	scan func(*sql.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		release, err := s.acquire()
		if err != nil {
			yield(zero, err)
			return
		}
		defer release()
		rows, err := s.db.QueryContext(ctx, query, start.UnixNano(), end.UnixNano())
		if err != nil {
			yield(zero, fmt.Errorf("dump %s: %w", what, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				yield(zero, fmt.Errorf("dump %s: %w", what, err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, fmt.Errorf("dump %s: %w", what, err))
		}
	}
}
