package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// defaultMetricLimit is the number of points MetricPoints yields when the
// query sets no limit.
const defaultMetricLimit = 1000

// MetricPoints streams the points of one metric ordered by time, start
// time, service, then attribute keys and values. Like Logs, the query runs
// when iteration starts and an error is yielded once, as the last element.
func (s *Store) MetricPoints(ctx context.Context, q store.MetricQuery) iter.Seq2[model.MetricPoint, error] {
	w := &where{}
	w.add("project = ?", q.Project)
	w.add("name = ?", q.Name)
	timeWindow(w, q.Start, q.End)
	if q.Service != "" {
		w.add("service = ?", q.Service)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultMetricLimit
	}
	query := "SELECT " + metricReadColumns + " FROM " + metricsView + " WHERE " + w.String() +
		" ORDER BY time_ns, start_ns, service, attr_keys, attr_values LIMIT ?"
	return s.streamMetrics(ctx, fmt.Sprintf("metric %q points", q.Name), query, append(w.args, limit)...)
}

// streamMetrics runs a query of metricReadColumns when iteration starts and
// yields its points; an error is yielded once, as the last element,
// wrapped with what.
func (s *Store) streamMetrics(ctx context.Context, what, query string, args ...any) iter.Seq2[model.MetricPoint, error] {
	return func(yield func(model.MetricPoint, error) bool) {
		release, err := s.acquire()
		if err != nil {
			yield(model.MetricPoint{}, err)
			return
		}
		defer release()
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(model.MetricPoint{}, fmt.Errorf("%s: %w", what, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMetric(rows)
			if err != nil {
				yield(model.MetricPoint{}, fmt.Errorf("%s: %w", what, err))
				return
			}
			if !yield(m, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(model.MetricPoint{}, fmt.Errorf("%s: %w", what, err))
		}
	}
}

// Metrics lists the metrics with points in [start, end).
func (s *Store) Metrics(ctx context.Context, project string, start, end time.Time) ([]store.MetricInfo, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	w := &where{}
	w.add("project = ?", project)
	timeWindow(w, start, end)
	query := `SELECT name, type, unit, temporality, monotonic, max(description),
		list_sort(list_distinct(list(service))), count(*), max(time_ns)
		FROM ` + metricsView + ` WHERE ` + w.String() + `
		GROUP BY name, type, unit, temporality, monotonic
		ORDER BY name, type, unit, temporality, monotonic`
	rows, err := s.db.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer rows.Close()
	var out []store.MetricInfo
	for rows.Next() {
		var (
			m                store.MetricInfo
			typ, temporality uint8
			services         any
		)
		if err := rows.Scan(&m.Name, &typ, &m.Unit, &temporality, &m.Monotonic, &m.Description,
			&services, &m.Points, &m.LastUnixNano); err != nil {
			return nil, fmt.Errorf("metrics: scan: %w", err)
		}
		m.Type, m.Temporality = model.MetricType(typ), model.Temporality(temporality)
		for _, sv := range asList(services) {
			name, _ := sv.(string)
			m.Services = append(m.Services, name)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return out, nil
}

// timeWindow bounds time_ns to [start, end), each bound when set.
func timeWindow(w *where, start, end time.Time) {
	if !start.IsZero() {
		w.add("time_ns >= ?", start.UnixNano())
	}
	if !end.IsZero() {
		w.add("time_ns < ?", end.UnixNano())
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// floats and counts convert a scanned DOUBLE[] or UBIGINT[]; empty is nil.
func floats(v any) []float64 {
	l := asList(v)
	if len(l) == 0 {
		return nil
	}
	out := make([]float64, len(l))
	for i, e := range l {
		out[i], _ = e.(float64)
	}
	return out
}

func counts(v any) []uint64 {
	l := asList(v)
	if len(l) == 0 {
		return nil
	}
	out := make([]uint64, len(l))
	for i, e := range l {
		out[i], _ = e.(uint64)
	}
	return out
}

// scanMetric reads a row of metricReadColumns.
func scanMetric(rows *sql.Rows) (model.MetricPoint, error) {
	var (
		m                                  model.MetricPoint
		typ, temporality, valueKind        uint8
		metadata, exemplars, scop          string
		value, sum, mn, mx                 sql.NullFloat64
		bounds, buckets, pos, neg, qs, qvs any
		attrs, res                         listCols
	)
	dest := []any{&m.Project, &m.TimeUnixNano, &m.StartUnixNano, &m.Name, &m.Description, &m.Unit, &typ, &temporality,
		&m.Monotonic, &metadata, &m.Flags, &valueKind, &value, &m.Number.Int, &m.Count, &sum, &mn, &mx, &bounds, &buckets,
		&m.Scale, &m.ZeroCount, &m.ZeroThreshold, &m.Positive.Offset, &pos, &m.Negative.Offset, &neg, &qs, &qvs, &exemplars}
	dest = append(dest, attrs.dest()...)
	dest = append(dest, res.dest()...)
	dest = append(dest, &m.Resource.DroppedAttributesCount, &m.Resource.SchemaURL, &m.Scope.Name, &m.Scope.Version, &scop)
	if err := rows.Scan(dest...); err != nil {
		return m, fmt.Errorf("scan metric point: %w", err)
	}
	m.Type, m.Temporality, m.Number.Kind = model.MetricType(typ), model.Temporality(temporality), model.NumberKind(valueKind)
	if m.Number.Kind == model.NumberDouble {
		m.Number.Double = value.Float64
	}
	m.Sum, m.HasSum = sum.Float64, sum.Valid
	m.Min, m.HasMin = mn.Float64, mn.Valid
	m.Max, m.HasMax = mx.Float64, mx.Valid
	m.Bounds, m.BucketCounts = floats(bounds), counts(buckets)
	m.Positive.Counts, m.Negative.Counts = counts(pos), counts(neg)
	if q, v := floats(qs), floats(qvs); len(q) > 0 {
		if len(q) != len(v) {
			return m, fmt.Errorf("metric %q: %d quantiles, %d values", m.Name, len(q), len(v))
		}
		m.Quantiles = make([]model.Quantile, len(q))
		for i := range q {
			m.Quantiles[i] = model.Quantile{Quantile: q[i], Value: v[i]}
		}
	}
	var err error
	if m.Metadata, err = rowcodec.DecodeMetadata(metadata); err != nil {
		return m, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	if m.Exemplars, err = rowcodec.DecodeExemplars(exemplars); err != nil {
		return m, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	if m.Attributes, err = attrs.decode(); err != nil {
		return m, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	if m.Resource.Attributes, err = res.decode(); err != nil {
		return m, fmt.Errorf("metric %q: resource: %w", m.Name, err)
	}
	if m.Scope, err = rowcodec.DecodeScope(m.Scope.Name, m.Scope.Version, scop); err != nil {
		return m, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	return m, nil
}
