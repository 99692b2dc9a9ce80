package otlpconv

import (
	"fmt"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"

	"lookout/internal/model"
)

// MetricsFromProto converts the data points of an export request, one
// model.MetricPoint per point, tagging each with project. Valid points are
// returned in request order; every other one is listed in rejected with its
// position among all points and the reason. A point is refused when a
// timestamp exceeds int64 nanoseconds, a histogram has neither zero nor
// len(explicit_bounds)+1 bucket counts, or an exemplar's trace id is
// neither empty nor 16 bytes or its span id neither empty nor 8 bytes. A
// metric without data (no type set) has no points and adds nothing.
func MetricsFromProto(project string, rms []*metricspb.ResourceMetrics) (points []model.MetricPoint, rejected []Rejection) {
	return fromProto(metricSignal(), project, rms)
}

// pointRef is one data point of a metric: exactly one of the point fields
// is set, the one of the metric's type.
type pointRef struct {
	metric  *metricspb.Metric
	number  *metricspb.NumberDataPoint
	hist    *metricspb.HistogramDataPoint
	exp     *metricspb.ExponentialHistogramDataPoint
	summary *metricspb.SummaryDataPoint
}

// pointsOf lists the data points of every metric of a scope group, in order.
func pointsOf(sm *metricspb.ScopeMetrics) []pointRef {
	var out []pointRef
	for _, m := range sm.GetMetrics() {
		switch d := m.GetData().(type) {
		case *metricspb.Metric_Gauge:
			for _, p := range d.Gauge.GetDataPoints() {
				out = append(out, pointRef{metric: m, number: p})
			}
		case *metricspb.Metric_Sum:
			for _, p := range d.Sum.GetDataPoints() {
				out = append(out, pointRef{metric: m, number: p})
			}
		case *metricspb.Metric_Histogram:
			for _, p := range d.Histogram.GetDataPoints() {
				out = append(out, pointRef{metric: m, hist: p})
			}
		case *metricspb.Metric_ExponentialHistogram:
			for _, p := range d.ExponentialHistogram.GetDataPoints() {
				out = append(out, pointRef{metric: m, exp: p})
			}
		case *metricspb.Metric_Summary:
			for _, p := range d.Summary.GetDataPoints() {
				out = append(out, pointRef{metric: m, summary: p})
			}
		}
	}
	return out
}

// metricSignal describes OTLP metrics for fromProto and toProto: its items
// are data points.
func metricSignal() signal[*metricspb.ResourceMetrics, *metricspb.ScopeMetrics, pointRef, model.MetricPoint] {
	return signal[*metricspb.ResourceMetrics, *metricspb.ScopeMetrics, pointRef, model.MetricPoint]{
		noun:   "data point",
		scopes: (*metricspb.ResourceMetrics).GetScopeMetrics,
		items:  pointsOf,
		name:   func(p pointRef) string { return p.metric.GetName() },
		item: func(project string, res model.Resource, scope model.Scope) model.MetricPoint {
			return model.MetricPoint{Project: project, Resource: res, Scope: scope}
		},
		fill:   pointFromProto,
		origin: func(m *model.MetricPoint) (*model.Resource, *model.Scope) { return &m.Resource, &m.Scope },
		newGroup: func(res *resourcepb.Resource, schemaURL string) *metricspb.ResourceMetrics {
			return &metricspb.ResourceMetrics{Resource: res, SchemaUrl: schemaURL}
		},
		addScope: func(rm *metricspb.ResourceMetrics, scope *commonpb.InstrumentationScope, schemaURL string) *metricspb.ScopeMetrics {
			sm := &metricspb.ScopeMetrics{Scope: scope, SchemaUrl: schemaURL}
			rm.ScopeMetrics = append(rm.ScopeMetrics, sm)
			return sm
		},
		add: addPoint,
	}
}

// pointFromProto fills m from the metric and the point, or reports why the
// point is invalid.
func pointFromProto(m *model.MetricPoint, p pointRef) *problem {
	md := p.metric
	m.Name, m.Description, m.Unit = md.GetName(), md.GetDescription(), md.GetUnit()
	m.Metadata = attrsFromProto(md.GetMetadata())
	var prob *problem
	switch {
	case p.number != nil:
		m.Type = model.MetricGauge
		if s := md.GetSum(); s != nil {
			m.Type, m.Temporality, m.Monotonic = model.MetricSum, model.Temporality(s.GetAggregationTemporality()), s.GetIsMonotonic()
		}
		prob = numberPointFromProto(m, p.number)
	case p.hist != nil:
		m.Type, m.Temporality = model.MetricHistogram, model.Temporality(md.GetHistogram().GetAggregationTemporality())
		prob = histPointFromProto(m, p.hist)
	case p.exp != nil:
		m.Type = model.MetricExponentialHistogram
		m.Temporality = model.Temporality(md.GetExponentialHistogram().GetAggregationTemporality())
		prob = expPointFromProto(m, p.exp)
	case p.summary != nil:
		m.Type = model.MetricSummary
		prob = summaryPointFromProto(m, p.summary)
	}
	return prob
}

// timedPoint is what every kind of data point has.
type timedPoint interface {
	GetAttributes() []*commonpb.KeyValue
	GetStartTimeUnixNano() uint64
	GetTimeUnixNano() uint64
	GetFlags() uint32
}

func commonFromProto(m *model.MetricPoint, p timedPoint) *problem {
	var err *problem
	if m.StartUnixNano, err = nanos("start_time_unix_nano", p.GetStartTimeUnixNano()); err != nil {
		return err
	}
	if m.TimeUnixNano, err = nanos("time_unix_nano", p.GetTimeUnixNano()); err != nil {
		return err
	}
	m.Attributes = attrsFromProto(p.GetAttributes())
	m.Flags = p.GetFlags()
	return nil
}

func numberPointFromProto(m *model.MetricPoint, p *metricspb.NumberDataPoint) *problem {
	if err := commonFromProto(m, p); err != nil {
		return err
	}
	switch v := p.GetValue().(type) {
	case *metricspb.NumberDataPoint_AsDouble:
		m.Number = model.Number{Kind: model.NumberDouble, Double: v.AsDouble}
	case *metricspb.NumberDataPoint_AsInt:
		m.Number = model.Number{Kind: model.NumberInt, Int: v.AsInt}
	}
	return exemplarsFromProto(m, p.GetExemplars())
}

func histPointFromProto(m *model.MetricPoint, p *metricspb.HistogramDataPoint) *problem {
	if err := commonFromProto(m, p); err != nil {
		return err
	}
	m.Bounds, m.BucketCounts = p.GetExplicitBounds(), p.GetBucketCounts()
	if n := len(m.BucketCounts); n != 0 && n != len(m.Bounds)+1 {
		return &problem{ReasonInvalidHistogram, fmt.Sprintf("%d bucket_counts for %d explicit_bounds, want %d or none",
			n, len(m.Bounds), len(m.Bounds)+1)}
	}
	m.Count = p.GetCount()
	m.Sum, m.HasSum = p.GetSum(), p.Sum != nil
	m.Min, m.HasMin = p.GetMin(), p.Min != nil
	m.Max, m.HasMax = p.GetMax(), p.Max != nil
	return exemplarsFromProto(m, p.GetExemplars())
}

func expPointFromProto(m *model.MetricPoint, p *metricspb.ExponentialHistogramDataPoint) *problem {
	if err := commonFromProto(m, p); err != nil {
		return err
	}
	m.Count = p.GetCount()
	m.Sum, m.HasSum = p.GetSum(), p.Sum != nil
	m.Min, m.HasMin = p.GetMin(), p.Min != nil
	m.Max, m.HasMax = p.GetMax(), p.Max != nil
	m.Scale, m.ZeroCount, m.ZeroThreshold = p.GetScale(), p.GetZeroCount(), p.GetZeroThreshold()
	m.Positive = model.ExpBuckets{Offset: p.GetPositive().GetOffset(), Counts: p.GetPositive().GetBucketCounts()}
	m.Negative = model.ExpBuckets{Offset: p.GetNegative().GetOffset(), Counts: p.GetNegative().GetBucketCounts()}
	return exemplarsFromProto(m, p.GetExemplars())
}

func summaryPointFromProto(m *model.MetricPoint, p *metricspb.SummaryDataPoint) *problem {
	if err := commonFromProto(m, p); err != nil {
		return err
	}
	m.Count, m.Sum, m.HasSum = p.GetCount(), p.GetSum(), true
	if qs := p.GetQuantileValues(); len(qs) > 0 {
		m.Quantiles = make([]model.Quantile, len(qs))
		for i, q := range qs {
			m.Quantiles[i] = model.Quantile{Quantile: q.GetQuantile(), Value: q.GetValue()}
		}
	}
	return nil
}

func exemplarsFromProto(m *model.MetricPoint, es []*metricspb.Exemplar) *problem {
	if len(es) == 0 {
		return nil
	}
	m.Exemplars = make([]model.Exemplar, len(es))
	for i, e := range es {
		x := &m.Exemplars[i]
		var err *problem
		if x.TimeUnixNano, err = nanos("time_unix_nano", e.GetTimeUnixNano()); err != nil {
			return &problem{ReasonInvalidExemplar, fmt.Sprintf("exemplar %d: %s", i, err.msg)}
		}
		if b := e.GetTraceId(); len(b) != 0 {
			if len(b) != len(x.TraceID) {
				return &problem{ReasonInvalidExemplar, fmt.Sprintf("exemplar %d: trace_id must be empty or 16 bytes, got %d", i, len(b))}
			}
			copy(x.TraceID[:], b)
		}
		if b := e.GetSpanId(); len(b) != 0 {
			if len(b) != len(x.SpanID) {
				return &problem{ReasonInvalidExemplar, fmt.Sprintf("exemplar %d: span_id must be empty or 8 bytes, got %d", i, len(b))}
			}
			copy(x.SpanID[:], b)
		}
		switch v := e.GetValue().(type) {
		case *metricspb.Exemplar_AsDouble:
			x.Value = model.Number{Kind: model.NumberDouble, Double: v.AsDouble}
		case *metricspb.Exemplar_AsInt:
			x.Value = model.Number{Kind: model.NumberInt, Int: v.AsInt}
		}
		x.FilteredAttributes = attrsFromProto(e.GetFilteredAttributes())
	}
	return nil
}
