// Package metricquery answers the query model's metrics source
// (query.SourceMetrics) over the points a store streams: a metric's name is
// a column, and each calculation reads it as the metric's type asks —
// counters as their increase (cumulative series turned into increases per
// series, resets handled), gauges as values, histograms by their buckets.
//
// Both stores select the points (project, time, metric names, dataset and
// filters, in their own SQL) and hand them here, so the arithmetic of
// increases and bucket percentiles is written once. Metric points are few
// next to spans: an SDK sends one point per series and export interval.
package metricquery

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// Lookback is how far before a query's start points are read: the newest
// point of a cumulative series before the start is the baseline its first
// increase within the range is counted from.
const Lookback = 5 * time.Minute

// Scan streams the points of the named metrics (every metric when names is
// empty) with times in [start, end) that the query's dataset and filters
// select, ordered by time.
type Scan func(ctx context.Context, names []string, start, end time.Time) iter.Seq2[model.MetricPoint, error]

// Names returns the metric names a query's calculations read; none when it
// only counts points (COUNT, COUNT_DISTINCT), which then reads every metric.
func Names(q query.Query) []string {
	var names []string
	for _, c := range q.Calculations {
		if c.Op != query.OpCount && c.Op != query.OpCountDistinct && !slices.Contains(names, c.Column) {
			names = append(names, c.Column)
		}
	}
	return names
}

// Run answers a valid query of the metrics source. A calculation whose
// operator does not fit its metric's type is an error wrapping a
// *query.FieldError naming it.
func Run(ctx context.Context, q query.Query, scan Scan) (query.Result, error) {
	if err := q.Validate(); err != nil {
		return query.Result{}, fmt.Errorf("query: %w", err)
	}
	e := newEngine(q)
	for p, err := range scan(ctx, Names(q), q.Start.Add(-Lookback), q.End) {
		if err != nil {
			return query.Result{}, err
		}
		if err := e.add(&p); err != nil {
			return query.Result{}, fmt.Errorf("query: %w", err)
		}
	}
	return e.result(), nil
}

// engine accumulates the points of one query.
type engine struct {
	q      query.Query
	start  int64
	gran   int64
	series map[string]*seriesState
	groups map[string]*group
	order  []*group // in first-seen order, for deterministic ties
	// fit marks the calculations whose operator was checked against their
	// metric's type (on its first point).
	fit []bool
}

// group is one combination of breakdown values: its totals and its cells
// per time bucket.
type group struct {
	values  []any
	total   *cell
	buckets map[int64]*cell
}

func newEngine(q query.Query) *engine {
	return &engine{q: q, start: q.Start.UnixNano(), gran: q.Granularity.Nanoseconds(),
		series: map[string]*seriesState{}, groups: map[string]*group{}, fit: make([]bool, len(q.Calculations))}
}

// add takes one point: points before the query's start only set their
// series' baseline.
func (e *engine) add(p *model.MetricPoint) error {
	key := seriesKey(p)
	s := e.series[key]
	if s == nil {
		s = &seriesState{}
		e.series[key] = s
	}
	d := s.advance(p, e.start)
	if p.TimeUnixNano < e.start {
		return nil
	}
	for i, c := range e.q.Calculations {
		if c.Op == query.OpCount || c.Op == query.OpCountDistinct || c.Column != p.Name || e.fit[i] {
			continue
		}
		if err := query.MetricOpFits(c.Op, p.Name, p.Type); err != nil {
			return &query.FieldError{Field: fmt.Sprintf("calculations[%d]", i), Err: err}
		}
		e.fit[i] = true
	}
	vals := make([]any, len(e.q.Breakdowns))
	for i, b := range e.q.Breakdowns {
		vals[i] = breakdownValue(p, b)
	}
	gk := groupKey(vals)
	g := e.groups[gk]
	if g == nil {
		g = &group{values: vals, total: newCell(len(e.q.Calculations)), buckets: map[int64]*cell{}}
		e.groups[gk] = g
		e.order = append(e.order, g)
	}
	b := (p.TimeUnixNano - e.start) / e.gran
	bc := g.buckets[b]
	if bc == nil {
		bc = newCell(len(e.q.Calculations))
		g.buckets[b] = bc
	}
	for _, c := range []*cell{g.total, bc} {
		c.points++
		for i, calc := range e.q.Calculations {
			switch {
			case calc.Op == query.OpCount:
			case calc.Op == query.OpCountDistinct:
				if v := breakdownValue(p, calc.Column); v != nil {
					c.distinct(i)[groupKey([]any{v})] = struct{}{}
				}
			case calc.Column == p.Name:
				c.accs[i].add(p, &d)
			}
		}
	}
	return nil
}

// cell holds the calculations of one group over the range or one bucket.
type cell struct {
	points    int64
	accs      []acc
	distincts []map[string]struct{}
}

func newCell(n int) *cell { return &cell{accs: make([]acc, n)} }

func (c *cell) distinct(i int) map[string]struct{} {
	if c.distincts == nil {
		c.distincts = make([]map[string]struct{}, len(c.accs))
	}
	if c.distincts[i] == nil {
		c.distincts[i] = map[string]struct{}{}
	}
	return c.distincts[i]
}

// values returns the calculations of the cell; seconds is the time it
// covers (the divisor of RATE_SUM).
func (c *cell) values(calcs []query.Calculation, seconds float64) []any {
	out := make([]any, len(calcs))
	for i, calc := range calcs {
		switch calc.Op {
		case query.OpCount:
			out[i] = c.points
		case query.OpCountDistinct:
			out[i] = int64(0)
			if c.distincts != nil {
				out[i] = int64(len(c.distincts[i]))
			}
		default:
			out[i] = c.accs[i].value(calc.Op, seconds)
		}
	}
	return out
}

// nan is what value returns for no value; turned into nil by the caller.
var nan = math.NaN()

func orNil(f float64) any {
	if math.IsNaN(f) {
		return nil
	}
	return f
}
