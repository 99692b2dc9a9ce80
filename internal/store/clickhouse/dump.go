package clickhouse

import (
	"context"
	"iter"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
	"lookout/internal/store/sqlbuild"
)

// The reads of store.Dumper: every column of every row of a table in a
// time window, in time order. The window selects the day partitions
// (the minmax index of the partition key's column); within them the
// time column is scanned.

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
	scan func(driver.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := s.check(); err != nil {
			yield(zero, err)
			return
		}
		stmt, args := sqlbuild.Dump(sq, table, columns, timeCol, start, end)
		rows, err := s.conn.Query(ctx, stmt, args...)
		sqlbuild.Stream(rows, err, "dump "+table, scan, yield)
	}
}
