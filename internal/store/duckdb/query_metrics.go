package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"lookout/internal/metricquery"
	"lookout/internal/model"
	"lookout/internal/query"
)

// metricTable reads metric points for the metrics source: the store selects
// the points in SQL, metricquery aggregates them.
var metricTable = &table{name: "metrics", view: metricsView, time: "time_ns", fields: metricColumns}

// metricColumns maps the metric fields of query.MetricFields to SQL.
var metricColumns = map[string]column{
	query.ColService:     {native: "service"},
	query.ColLibraryName: {native: "NULLIF(scope_name, '')"},
	query.ColLibraryVer:  {native: "NULLIF(scope_version, '')"},
}

// The driver fetches list values element by element through cgo, which
// costs more than everything else a scan reads; and every point of a series
// repeats its attribute lists (and a histogram's bounds). So the metrics
// source reads each series' attributes, resource, scope and bounds once
// (seriesOf), and then the points with a series id and their values only
// (pointsOf), bucket counts as one text each.
const (
	seriesID = `hash(attr_keys, attr_values, attr_types, attr_nested, res_keys, res_values, res_types, res_nested, scope_name, scope_version, bounds)`
	seriesOf = `SELECT ` + seriesID + ` AS sid, first(attr_keys), first(attr_values), first(attr_types), first(attr_nested),
	first(res_keys), first(res_values), first(res_types), first(res_nested), first(scope_name), first(scope_version), first(bounds)`
	pointsOf = `SELECT ` + seriesID + `, time_ns, start_ns, name, type, temporality, monotonic, value_kind, value, value_int,
	count, sum, min, max, CASE WHEN type = 3 THEN array_to_string(bucket_counts, ',') END,
	exp_scale, exp_zero_count, exp_zero_threshold, exp_pos_offset, CASE WHEN type = 4 THEN array_to_string(exp_pos_counts, ',') END,
	exp_neg_offset, CASE WHEN type = 4 THEN array_to_string(exp_neg_counts, ',') END`
)

// seriesAttrs is what the points of one series share.
type seriesAttrs struct {
	attrs    model.Attributes
	resource model.Resource
	scope    model.Scope
	bounds   []float64
}

// metricScan returns the points of project that q's dataset and filters
// select, for metricquery.Run. Points share their series' attribute lists.
func (s *Store) metricScan(project string, q query.Query) metricquery.Scan {
	return func(ctx context.Context, names []string, start, end time.Time) iter.Seq2[model.MetricPoint, error] {
		return func(yield func(model.MetricPoint, error) bool) {
			release, err := s.acquire()
			if err != nil {
				yield(model.MetricPoint{}, err)
				return
			}
			defer release()
			b := s.sqlFor(query.SourceMetrics)
			sq := q
			sq.Start, sq.End = start, end
			where := " FROM " + metricsView + " WHERE " + b.scope(project, sq) + " AND " + b.filters(q.Filters, q.FilterCombination)
			if len(names) > 0 {
				ph := make([]string, len(names))
				for i, n := range names {
					ph[i] = b.arg(n)
				}
				where += " AND name IN (" + strings.Join(ph, ", ") + ")"
			}
			// One transaction: both statements see the same points.
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				yield(model.MetricPoint{}, fmt.Errorf("metric points: %w", err))
				return
			}
			defer tx.Rollback() // it only read
			series, err := readSeries(ctx, tx, seriesOf+where+" GROUP BY sid", b.args)
			if err != nil {
				yield(model.MetricPoint{}, fmt.Errorf("metric series: %w", err))
				return
			}
			rows, err := tx.QueryContext(ctx, pointsOf+where+" ORDER BY time_ns", b.args...)
			if err != nil {
				yield(model.MetricPoint{}, fmt.Errorf("metric points: %w", err))
				return
			}
			defer rows.Close()
			for rows.Next() {
				p, err := scanPointValues(rows, project, series)
				if err != nil {
					yield(model.MetricPoint{}, fmt.Errorf("metric points: %w", err))
					return
				}
				if !yield(p, nil) {
					return
				}
			}
			if err := rows.Err(); err != nil {
				yield(model.MetricPoint{}, fmt.Errorf("metric points: %w", err))
			}
		}
	}
}

// readSeries reads the rows of seriesOf by series id.
func readSeries(ctx context.Context, tx *sql.Tx, stmt string, args []any) (map[uint64]*seriesAttrs, error) {
	rows, err := tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint64]*seriesAttrs{}
	for rows.Next() {
		var (
			sid        uint64
			attrs, res listCols
			sa         seriesAttrs
			bounds     any
		)
		dest := append([]any{&sid}, attrs.dest()...)
		dest = append(dest, res.dest()...)
		if err := rows.Scan(append(dest, &sa.scope.Name, &sa.scope.Version, &bounds)...); err != nil {
			return nil, err
		}
		sa.bounds = floats(bounds)
		if sa.attrs, err = attrs.decode(); err != nil {
			return nil, err
		}
		if sa.resource.Attributes, err = res.decode(); err != nil {
			return nil, err
		}
		out[sid] = &sa
	}
	return out, rows.Err()
}

// scanPointValues reads a row of pointsOf into a point of its series.
func scanPointValues(rows *sql.Rows, project string, series map[uint64]*seriesAttrs) (model.MetricPoint, error) {
	var (
		m                           model.MetricPoint
		sid                         uint64
		typ, temporality, valueKind uint8
		value, sum, mn, mx          sql.NullFloat64
		buckets, pos, neg           sql.NullString
	)
	if err := rows.Scan(&sid, &m.TimeUnixNano, &m.StartUnixNano, &m.Name, &typ, &temporality, &m.Monotonic, &valueKind, &value,
		&m.Number.Int, &m.Count, &sum, &mn, &mx, &buckets, &m.Scale, &m.ZeroCount, &m.ZeroThreshold,
		&m.Positive.Offset, &pos, &m.Negative.Offset, &neg); err != nil {
		return m, err
	}
	sa, ok := series[sid]
	if !ok { // cannot happen: both statements read one snapshot
		return m, fmt.Errorf("metric %q: a point of a series not read", m.Name)
	}
	m.Project, m.Attributes, m.Resource, m.Scope = project, sa.attrs, sa.resource, sa.scope
	m.Type, m.Temporality, m.Number.Kind = model.MetricType(typ), model.Temporality(temporality), model.NumberKind(valueKind)
	if m.Number.Kind == model.NumberDouble {
		m.Number.Double = value.Float64
	}
	m.Sum, m.HasSum = sum.Float64, sum.Valid
	m.Min, m.HasMin = mn.Float64, mn.Valid
	m.Max, m.HasMax = mx.Float64, mx.Valid
	var err error
	if m.BucketCounts, err = countList(buckets.String); err != nil {
		return m, err
	}
	if m.Positive.Counts, err = countList(pos.String); err != nil {
		return m, err
	}
	if m.Negative.Counts, err = countList(neg.String); err != nil {
		return m, err
	}
	if m.Type == model.MetricHistogram {
		m.Bounds = sa.bounds
	}
	return m, nil
}

// countList reads counts that array_to_string joined with commas.
func countList(s string) ([]uint64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bucket count %q: %w", p, err)
		}
		out[i] = n
	}
	return out, nil
}

// queryMetrics answers a query of the metrics source.
func (s *Store) queryMetrics(ctx context.Context, project string, q query.Query) (query.Result, error) {
	ctx, cancel := budget(ctx)
	defer cancel()
	return metricquery.Run(ctx, q, s.metricScan(project, q))
}
