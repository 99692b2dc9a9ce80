package traceql

import (
	"fmt"
	"math"
	"slices"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// MetricsQuery is a TraceQL metrics query (`{ ... } | rate() by (...)`)
// in the query model's terms: a query.Query over spans, as POST /api/query
// runs it, whose rows become the series Tempo answers.
type MetricsQuery struct {
	// Func is the metrics function: rate, count_over_time, min_over_time,
	// max_over_time, avg_over_time, sum_over_time or quantile_over_time.
	Func string
	// Filters joined by Combination select the spans.
	Filters     []query.Filter
	Combination query.Combination
	// Calcs are the calculations, one per series of a group: COUNT for
	// rate and count_over_time, one per quantile for quantile_over_time.
	Calcs []query.Calculation
	// Quantiles are the quantiles of Calcs (quantile_over_time).
	Quantiles []float64
	// Scale turns a calculated value into the function's unit: durations
	// are milliseconds in the query model and seconds in TraceQL metrics.
	Scale float64
	// By are the labels of the groups, in by(...) order.
	By []Label
}

// Label is a field of by(...): its name as the query writes it and the
// column the query model reads.
type Label struct {
	Name   string
	Column string
	status bool
}

// Value is the label's value for a group value of the query model's
// result (a status as its keyword).
func (l Label) Value(v any) model.Value {
	switch v := v.(type) {
	case nil:
		return model.Value{}
	case string:
		return model.StringValue(v)
	case int64:
		if l.status && v >= 0 && v < 3 {
			return model.StringValue([]string{"unset", "ok", "error"}[v])
		}
		return model.IntValue(v)
	case float64:
		return model.DoubleValue(v)
	case bool:
		return model.BoolValue(v)
	}
	return model.StringValue(fmt.Sprint(v))
}

var metricsOps = map[string]query.Op{
	"rate": query.OpCount, "count_over_time": query.OpCount, "min_over_time": query.OpMin,
	"max_over_time": query.OpMax, "avg_over_time": query.OpAvg, "sum_over_time": query.OpSum,
}

// CompileMetrics translates a parsed metrics query: a spanset pipeline
// whose spans one filter list selects (as for the aggregates), ended by a
// metrics function. It refuses with an *Error what the query model cannot
// express, naming it: histogram_over_time, compare, the second stage
// (topk, bottomk), aggregates before the function, quantiles other than
// 0, 1 and those of two or three decimals (.5, .99, .999).
func CompileMetrics(q *Query) (*MetricsQuery, error) {
	last := -1
	for i, st := range q.Stages {
		if _, ok := st.(*Metrics); ok {
			last = i
			break
		}
	}
	if last < 0 {
		for _, st := range q.Stages {
			if f, ok := st.(*Func); ok {
				return nil, refuseFunc(f)
			}
		}
		return nil, &Error{Msg: "not a metrics query: end it with a metrics function such as | rate()"}
	}
	m := q.Stages[last].(*Metrics)
	if last+1 < len(q.Stages) {
		if f, ok := q.Stages[last+1].(*Func); ok && (f.Name == "topk" || f.Name == "bottomk") {
			return nil, unsupported(f.Pos, "%s() after a metrics function", f.Name)
		}
		return nil, errorf(m.Pos, "%s() ends the query: nothing but topk() or bottomk() may follow it", m.Name)
	}
	for _, st := range q.Stages[:last] {
		if a, ok := st.(*Aggregate); ok {
			return nil, unsupported(a.Pos, "%s() before a metrics function", a.Name)
		}
	}
	c, err := Compile(&Query{Spansets: q.Spansets, Stages: q.Stages[:last]})
	if err != nil {
		return nil, err
	}
	d, err := c.tree.chain(m.Name, m.Pos)
	if err != nil {
		return nil, err
	}
	out := &MetricsQuery{Func: m.Name, Scale: 1}
	if out.Filters, out.Combination, err = spanFilters(d, m.Name, m.Pos); err != nil {
		return nil, err
	}
	if err := out.calcs(m); err != nil {
		return nil, err
	}
	for _, f := range m.By {
		o, err := resolve(f, m.Pos)
		if err != nil {
			return nil, err
		}
		if o.level != onSpan || o.multi || len(o.cols) != 1 {
			return nil, unsupported(m.Pos, "by(%s)", f)
		}
		out.By = append(out.By, Label{Name: f.String(), Column: o.cols[0], status: o.typ == typeStatus})
	}
	return out, nil
}

// CompileMetricsString parses and compiles src as a metrics query.
func CompileMetricsString(src string) (*MetricsQuery, error) {
	q, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return CompileMetrics(q)
}

// calcs sets the calculations of the function.
func (out *MetricsQuery) calcs(m *Metrics) error {
	if m.Name == "histogram_over_time" {
		return unsupported(m.Pos, "the metrics function histogram_over_time()")
	}
	col := ""
	if m.Field != nil {
		o, err := resolve(*m.Field, m.Pos)
		if err != nil {
			return err
		}
		if o.level != onSpan || o.multi || len(o.cols) != 1 || (o.typ != typeAny && o.typ != typeDuration) {
			return errorf(m.Pos, "%s() takes a number or a duration of the span, not %s", m.Name, m.Field)
		}
		col = o.cols[0]
		if o.typ == typeDuration {
			out.Scale = float64(time.Millisecond) / float64(time.Second)
		}
	}
	if op, ok := metricsOps[m.Name]; ok {
		if op == query.OpCount {
			col = ""
		}
		out.Calcs = []query.Calculation{{Op: op, Column: col}}
		return nil
	}
	for _, q := range m.Quantiles {
		if slices.Contains(out.Quantiles, q) {
			continue
		}
		op, ok := percentileOp(q)
		if !ok {
			return unsupported(m.Pos, "the quantile %g (Lookout computes quantiles of up to three decimals, such as .5, .99, .999)", q)
		}
		out.Quantiles = append(out.Quantiles, q)
		out.Calcs = append(out.Calcs, query.Calculation{Op: op, Column: col})
	}
	return nil
}

// percentileOp is the query model's operator of a quantile: MIN for 0,
// MAX for 1, P50 for .5, P999 for .999.
func percentileOp(q float64) (query.Op, bool) {
	switch q {
	case 0:
		return query.OpMin, true
	case 1:
		return query.OpMax, true
	}
	for _, digits := range []int{2, 3} {
		scaled := q * math.Pow10(digits)
		if n := math.Round(scaled); math.Abs(scaled-n) < 1e-9 && n > 0 {
			op := query.Op(fmt.Sprintf("P%0*d", digits, int(n)))
			if got, ok := op.Percentile(); ok && math.Abs(got-q) < 1e-12 {
				return op, true
			}
		}
	}
	return "", false
}

// Query is the query model's query of the metrics query over [start,
// end) in buckets of step. The caller aligns the range to step.
func (m *MetricsQuery) Query(start, end time.Time, step time.Duration) query.Query {
	q := query.Query{Source: query.SourceSpans, Start: start, End: end, Granularity: step,
		Calculations: slices.Clone(m.Calcs), Filters: slices.Clone(m.Filters), FilterCombination: m.Combination, Limit: query.MaxLimit}
	for _, l := range m.By {
		q.Breakdowns = append(q.Breakdowns, l.Column)
	}
	return q
}
