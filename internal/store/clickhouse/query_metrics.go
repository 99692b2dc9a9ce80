package clickhouse

import (
	"context"
	"iter"
	"strings"
	"time"

	"lookout/internal/metricquery"
	"lookout/internal/model"
	"lookout/internal/query"
)

// metricTable reads metric points for the metrics source: the store selects
// the points in SQL, metricquery aggregates them.
var metricTable = &table{name: "metrics", time: "time_ns", fields: metricColumns}

// metricColumns maps the metric fields of query.MetricFields to SQL.
var metricColumns = map[string]column{
	query.ColService:     {native: "service"},
	query.ColLibraryName: {native: "nullIf(scope_name, '')"},
	query.ColLibraryVer:  {native: "nullIf(scope_version, '')"},
}

// metricScan returns the points of project that q's dataset and filters
// select, for metricquery.Run.
func (s *Store) metricScan(project string, q query.Query) metricquery.Scan {
	return func(ctx context.Context, names []string, start, end time.Time) iter.Seq2[model.MetricPoint, error] {
		b := newSQL(query.SourceMetrics)
		sq := q
		sq.Start, sq.End = start, end
		where := b.scope(project, sq) + " AND " + b.filters(q.Filters, q.FilterCombination)
		if len(names) > 0 {
			ph := make([]string, len(names))
			for i, n := range names {
				ph[i] = b.arg(n)
			}
			where += " AND name IN (" + strings.Join(ph, ", ") + ")"
		}
		return s.streamMetrics(ctx, "metric points", "SELECT "+metricReadColumns+" FROM metrics WHERE "+where+" ORDER BY time_ns", b.args...)
	}
}

// queryMetrics answers a query of the metrics source.
func (s *Store) queryMetrics(ctx context.Context, project string, q query.Query) (query.Result, error) {
	ctx, cancel := s.budget(ctx)
	defer cancel()
	return metricquery.Run(ctx, q, s.metricScan(project, q))
}
