package sqlbuild

import "lookout/internal/store"

// DefaultMetricLimit is the number of points a metric read yields when the
// query sets no limit.
const DefaultMetricLimit = 1000

// MetricPoints is the statement of store.MetricReader's MetricPoints:
// columns of the points of one metric ordered by time, start time,
// service, then attribute keys and values (lists compare element by
// element).
func MetricPoints(d Dialect, columns string, q store.MetricQuery) (string, []any) {
	w := NewWhere(d).Add("project = ?", q.Project).Add("name = ?", q.Name).Window("time_ns", q.Start, q.End)
	if q.Service != "" {
		w.Add("service = ?", q.Service)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultMetricLimit
	}
	return "SELECT " + columns + " FROM " + d.Table("metrics") + " WHERE " + w.String() +
		" ORDER BY time_ns, start_ns, service, attr_keys, attr_values LIMIT ?", append(w.Args(), limit)
}
