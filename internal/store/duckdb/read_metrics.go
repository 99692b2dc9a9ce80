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
	"lookout/internal/store/sqlbuild"
)

// MetricPoints streams the points of one metric ordered by time, start
// time, service, then attribute keys and values. Like Logs, the query runs
// when iteration starts and an error is yielded once, as the last element.
func (s *Store) MetricPoints(ctx context.Context, q store.MetricQuery) iter.Seq2[model.MetricPoint, error] {
	stmt, args := sqlbuild.MetricPoints(sq, metricReadColumns, q)
	return s.streamMetrics(ctx, fmt.Sprintf("metric %q points", q.Name), stmt, args...)
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
		sqlbuild.Stream(rows, err, what, scanMetric, yield)
	}
}

// Metrics lists the metrics with points in [start, end).
func (s *Store) Metrics(ctx context.Context, project string, start, end time.Time) ([]store.MetricInfo, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	w := newWhere().Add("project = ?", project).Window("time_ns", start, end)
	query := `SELECT name, type, unit, temporality, monotonic, max(description),
		list_sort(list_distinct(list(service))), count(*), max(time_ns)
		FROM ` + metricsView + ` WHERE ` + w.String() + `
		GROUP BY name, type, unit, temporality, monotonic
		ORDER BY name, type, unit, temporality, monotonic`
	rows, err := s.db.QueryContext(ctx, query, w.Args()...)
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
	dest = append(dest, attrs.Dest()...)
	dest = append(dest, res.Dest()...)
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
	return m, rowcodec.FinishMetric(&m, floats(qs), floats(qvs), metadata, exemplars, scop, &attrs, &res)
}
