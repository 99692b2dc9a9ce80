package clickhouse

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
)

// The reads of store.Dumper: every column of every row of a table in a
// time window, in time order. The window selects the day partitions
// (the minmax index of the partition key's column); within them the
// time column is scanned.

// DumpSpans implements store.Dumper.
func (s *Store) DumpSpans(ctx context.Context, start, end time.Time) iter.Seq2[model.Span, error] {
	return dump(ctx, s, "spans", "SELECT "+spanReadColumns+
		" FROM spans WHERE start_ns >= ? AND start_ns < ? ORDER BY start_ns", start, end, scanSpan)
}

// DumpLogs implements store.Dumper.
func (s *Store) DumpLogs(ctx context.Context, start, end time.Time) iter.Seq2[model.LogEvent, error] {
	return dump(ctx, s, "logs", "SELECT "+logReadColumns+
		" FROM logs WHERE time_ns >= ? AND time_ns < ? ORDER BY time_ns", start, end, scanLog)
}

// DumpMetricPoints implements store.Dumper.
func (s *Store) DumpMetricPoints(ctx context.Context, start, end time.Time) iter.Seq2[model.MetricPoint, error] {
	return dump(ctx, s, "metric points", "SELECT "+metricReadColumns+
		" FROM metrics WHERE time_ns >= ? AND time_ns < ? ORDER BY time_ns", start, end, scanMetric)
}

func dump[T any](ctx context.Context, s *Store, what, query string, start, end time.Time,
	scan func(driver.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := s.check(); err != nil {
			yield(zero, err)
			return
		}
		rows, err := s.conn.Query(ctx, query, start.UnixNano(), end.UnixNano())
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
