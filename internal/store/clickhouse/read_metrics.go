package clickhouse

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// defaultMetricLimit is the number of points MetricPoints yields when the
// query sets no limit.
const defaultMetricLimit = 1000

const metricReadColumns = `project, time_ns, start_ns, name, description, unit, type, temporality, monotonic,
	metadata_json, flags, value_kind, value, value_int, count, sum, min, max, bounds, bucket_counts,
	exp_scale, exp_zero_count, exp_zero_threshold, exp_pos_offset, exp_pos_counts, exp_neg_offset, exp_neg_counts,
	quantiles, quantile_values, exemplars_json,
	attr_keys, attr_values, attr_types, attr_json,
	res_keys, res_values, res_types, res_json, res_dropped, res_schema_url,
	scope_name, scope_version, scope_json`

// MetricPoints streams the points of one metric ordered by time, start
// time, service, then attribute keys and values (arrays compare element by
// element, as in the embedded store). Like Logs, the query runs when
// iteration starts and an error is yielded once, as the last element.
func (s *Store) MetricPoints(ctx context.Context, q store.MetricQuery) iter.Seq2[model.MetricPoint, error] {
	w := &where{}
	w.add("project = ?", q.Project)
	w.add("name = ?", q.Name)
	w.window("time_ns", q.Start, q.End)
	if q.Service != "" {
		w.add("service = ?", q.Service)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultMetricLimit
	}
	return s.streamMetrics(ctx, fmt.Sprintf("metric %q points", q.Name), "SELECT "+metricReadColumns+" FROM metrics WHERE "+w.String()+
		" ORDER BY time_ns, start_ns, service, attr_keys, attr_values LIMIT ?", append(w.args, limit)...)
}

// streamMetrics runs a query of metricReadColumns when iteration starts and
// yields its points; an error is yielded once, as the last element,
// wrapped with what.
func (s *Store) streamMetrics(ctx context.Context, what, query string, args ...any) iter.Seq2[model.MetricPoint, error] {
	return func(yield func(model.MetricPoint, error) bool) {
		if err := s.check(); err != nil {
			yield(model.MetricPoint{}, err)
			return
		}
		rows, err := s.conn.Query(ctx, query, args...)
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
	if err := s.check(); err != nil {
		return nil, err
	}
	w := &where{}
	w.add("project = ?", project)
	w.window("time_ns", start, end)
	rows, err := s.conn.Query(ctx, `SELECT name, type, unit, temporality, monotonic, max(description),
		arraySort(groupUniqArray(service)), toInt64(count()), max(time_ns)
		FROM metrics WHERE `+w.String()+`
		GROUP BY name, type, unit, temporality, monotonic
		ORDER BY name, type, unit, temporality, monotonic`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer rows.Close()
	var out []store.MetricInfo
	for rows.Next() {
		var (
			m                           store.MetricInfo
			typ, temporality, monotonic uint8
		)
		if err := rows.Scan(&m.Name, &typ, &m.Unit, &temporality, &monotonic, &m.Description,
			&m.Services, &m.Points, &m.LastUnixNano); err != nil {
			return nil, fmt.Errorf("metrics: scan: %w", err)
		}
		m.Type, m.Temporality, m.Monotonic = model.MetricType(typ), model.Temporality(temporality), monotonic != 0
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return out, nil
}

// scanMetric reads a row of metricReadColumns.
func scanMetric(rows driver.Rows) (model.MetricPoint, error) {
	var (
		m                                 model.MetricPoint
		typ, temporality, monotonic, kind uint8
		metadata, exemplars, scope        string
		value, sum, mn, mx                *float64
		bounds, qs, qvs                   []float64
		buckets, pos, neg                 []uint64
		attrs, res                        attrLists
	)
	dest := []any{&m.Project, &m.TimeUnixNano, &m.StartUnixNano, &m.Name, &m.Description, &m.Unit, &typ, &temporality,
		&monotonic, &metadata, &m.Flags, &kind, &value, &m.Number.Int, &m.Count, &sum, &mn, &mx, &bounds, &buckets,
		&m.Scale, &m.ZeroCount, &m.ZeroThreshold, &m.Positive.Offset, &pos, &m.Negative.Offset, &neg, &qs, &qvs, &exemplars}
	dest = append(dest, attrs.dest()...)
	dest = append(dest, res.dest()...)
	dest = append(dest, &m.Resource.DroppedAttributesCount, &m.Resource.SchemaURL, &m.Scope.Name, &m.Scope.Version, &scope)
	if err := rows.Scan(dest...); err != nil {
		return m, fmt.Errorf("scan metric point: %w", err)
	}
	m.Type, m.Temporality, m.Monotonic = model.MetricType(typ), model.Temporality(temporality), monotonic != 0
	if m.Number.Kind = model.NumberKind(kind); m.Number.Kind == model.NumberDouble && value != nil {
		m.Number.Double = *value
	}
	m.Sum, m.HasSum = orZero(sum)
	m.Min, m.HasMin = orZero(mn)
	m.Max, m.HasMax = orZero(mx)
	m.Bounds, m.BucketCounts = orNil(bounds), orNil(buckets)
	m.Positive.Counts, m.Negative.Counts = orNil(pos), orNil(neg)
	if len(qs) != len(qvs) {
		return m, fmt.Errorf("metric %q: %d quantiles, %d values", m.Name, len(qs), len(qvs))
	}
	if len(qs) > 0 {
		m.Quantiles = make([]model.Quantile, len(qs))
		for i := range qs {
			m.Quantiles[i] = model.Quantile{Quantile: qs[i], Value: qvs[i]}
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
	if m.Scope, err = rowcodec.DecodeScope(m.Scope.Name, m.Scope.Version, scope); err != nil {
		return m, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	return m, nil
}

// orZero reads a Nullable(Float64): its value and whether it is set.
func orZero(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

// orNil turns the empty arrays of other types' columns back into the
// model's nil.
func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
