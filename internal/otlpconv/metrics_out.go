package otlpconv

import (
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"

	"lookout/internal/model"
)

// MetricsData converts metric points back to OTLP, grouped by resource and
// scope as TracesData groups spans. Consecutive points of one scope group
// that describe the same metric (name, description, unit, type,
// temporality, monotonicity, metadata) share one Metric. Exponential
// histogram points always carry both bucket sides, as the OTel SDKs send
// them; zero ids of exemplars become absent fields.
func MetricsData(points []model.MetricPoint) *metricspb.MetricsData {
	return &metricspb.MetricsData{ResourceMetrics: toProto(metricSignal(), points)}
}

// addPoint appends m to the last metric of sm when it describes the same
// metric, else to a new one.
func addPoint(sm *metricspb.ScopeMetrics, m *model.MetricPoint) {
	var md *metricspb.Metric
	if n := len(sm.Metrics); n > 0 && sameMetric(sm.Metrics[n-1], m) {
		md = sm.Metrics[n-1]
	} else {
		md = newMetric(m)
		sm.Metrics = append(sm.Metrics, md)
	}
	switch d := md.Data.(type) {
	case *metricspb.Metric_Gauge:
		d.Gauge.DataPoints = append(d.Gauge.DataPoints, numberPointToProto(m))
	case *metricspb.Metric_Sum:
		d.Sum.DataPoints = append(d.Sum.DataPoints, numberPointToProto(m))
	case *metricspb.Metric_Histogram:
		d.Histogram.DataPoints = append(d.Histogram.DataPoints, histPointToProto(m))
	case *metricspb.Metric_ExponentialHistogram:
		d.ExponentialHistogram.DataPoints = append(d.ExponentialHistogram.DataPoints, expPointToProto(m))
	case *metricspb.Metric_Summary:
		d.Summary.DataPoints = append(d.Summary.DataPoints, summaryPointToProto(m))
	}
}

// newMetric makes the empty Metric that m's point goes into. A point of no
// known type goes into a gauge, which keeps its number.
func newMetric(m *model.MetricPoint) *metricspb.Metric {
	md := &metricspb.Metric{Name: m.Name, Description: m.Description, Unit: m.Unit, Metadata: attrsToProto(m.Metadata)}
	t := metricspb.AggregationTemporality(m.Temporality)
	switch m.Type {
	case model.MetricSum:
		md.Data = &metricspb.Metric_Sum{Sum: &metricspb.Sum{AggregationTemporality: t, IsMonotonic: m.Monotonic}}
	case model.MetricHistogram:
		md.Data = &metricspb.Metric_Histogram{Histogram: &metricspb.Histogram{AggregationTemporality: t}}
	case model.MetricExponentialHistogram:
		md.Data = &metricspb.Metric_ExponentialHistogram{ExponentialHistogram: &metricspb.ExponentialHistogram{AggregationTemporality: t}}
	case model.MetricSummary:
		md.Data = &metricspb.Metric_Summary{Summary: &metricspb.Summary{}}
	default:
		md.Data = &metricspb.Metric_Gauge{Gauge: &metricspb.Gauge{}}
	}
	return md
}

// sameMetric reports whether m is a point of md.
func sameMetric(md *metricspb.Metric, m *model.MetricPoint) bool {
	if md.Name != m.Name || md.Description != m.Description || md.Unit != m.Unit {
		return false
	}
	t := metricspb.AggregationTemporality(m.Temporality)
	switch d := md.Data.(type) {
	case *metricspb.Metric_Gauge:
		if m.Type != model.MetricGauge && !unknownType(m.Type) {
			return false
		}
	case *metricspb.Metric_Sum:
		if m.Type != model.MetricSum || d.Sum.AggregationTemporality != t || d.Sum.IsMonotonic != m.Monotonic {
			return false
		}
	case *metricspb.Metric_Histogram:
		if m.Type != model.MetricHistogram || d.Histogram.AggregationTemporality != t {
			return false
		}
	case *metricspb.Metric_ExponentialHistogram:
		if m.Type != model.MetricExponentialHistogram || d.ExponentialHistogram.AggregationTemporality != t {
			return false
		}
	case *metricspb.Metric_Summary:
		if m.Type != model.MetricSummary {
			return false
		}
	}
	return sameAttrs(attrsFromProto(md.Metadata), m.Metadata)
}

func unknownType(t model.MetricType) bool { return t == 0 || t > model.MetricSummary }

func numberPointToProto(m *model.MetricPoint) *metricspb.NumberDataPoint {
	p := &metricspb.NumberDataPoint{
		Attributes:        attrsToProto(m.Attributes),
		StartTimeUnixNano: uint64(max(m.StartUnixNano, 0)),
		TimeUnixNano:      uint64(max(m.TimeUnixNano, 0)),
		Exemplars:         exemplarsToProto(m.Exemplars),
		Flags:             m.Flags,
	}
	switch m.Number.Kind {
	case model.NumberDouble:
		p.Value = &metricspb.NumberDataPoint_AsDouble{AsDouble: m.Number.Double}
	case model.NumberInt:
		p.Value = &metricspb.NumberDataPoint_AsInt{AsInt: m.Number.Int}
	}
	return p
}

func histPointToProto(m *model.MetricPoint) *metricspb.HistogramDataPoint {
	p := &metricspb.HistogramDataPoint{
		Attributes:        attrsToProto(m.Attributes),
		StartTimeUnixNano: uint64(max(m.StartUnixNano, 0)),
		TimeUnixNano:      uint64(max(m.TimeUnixNano, 0)),
		Count:             m.Count,
		BucketCounts:      m.BucketCounts,
		ExplicitBounds:    m.Bounds,
		Exemplars:         exemplarsToProto(m.Exemplars),
		Flags:             m.Flags,
	}
	p.Sum, p.Min, p.Max = optional(m.Sum, m.HasSum), optional(m.Min, m.HasMin), optional(m.Max, m.HasMax)
	return p
}

func expPointToProto(m *model.MetricPoint) *metricspb.ExponentialHistogramDataPoint {
	p := &metricspb.ExponentialHistogramDataPoint{
		Attributes:        attrsToProto(m.Attributes),
		StartTimeUnixNano: uint64(max(m.StartUnixNano, 0)),
		TimeUnixNano:      uint64(max(m.TimeUnixNano, 0)),
		Count:             m.Count,
		Scale:             m.Scale,
		ZeroCount:         m.ZeroCount,
		ZeroThreshold:     m.ZeroThreshold,
		Positive:          &metricspb.ExponentialHistogramDataPoint_Buckets{Offset: m.Positive.Offset, BucketCounts: m.Positive.Counts},
		Negative:          &metricspb.ExponentialHistogramDataPoint_Buckets{Offset: m.Negative.Offset, BucketCounts: m.Negative.Counts},
		Exemplars:         exemplarsToProto(m.Exemplars),
		Flags:             m.Flags,
	}
	p.Sum, p.Min, p.Max = optional(m.Sum, m.HasSum), optional(m.Min, m.HasMin), optional(m.Max, m.HasMax)
	return p
}

func summaryPointToProto(m *model.MetricPoint) *metricspb.SummaryDataPoint {
	p := &metricspb.SummaryDataPoint{
		Attributes:        attrsToProto(m.Attributes),
		StartTimeUnixNano: uint64(max(m.StartUnixNano, 0)),
		TimeUnixNano:      uint64(max(m.TimeUnixNano, 0)),
		Count:             m.Count,
		Sum:               m.Sum,
		Flags:             m.Flags,
	}
	if len(m.Quantiles) > 0 {
		p.QuantileValues = make([]*metricspb.SummaryDataPoint_ValueAtQuantile, len(m.Quantiles))
		for i, q := range m.Quantiles {
			p.QuantileValues[i] = &metricspb.SummaryDataPoint_ValueAtQuantile{Quantile: q.Quantile, Value: q.Value}
		}
	}
	return p
}

func exemplarsToProto(es []model.Exemplar) []*metricspb.Exemplar {
	if len(es) == 0 {
		return nil
	}
	out := make([]*metricspb.Exemplar, len(es))
	for i := range es {
		e := &es[i]
		p := &metricspb.Exemplar{
			FilteredAttributes: attrsToProto(e.FilteredAttributes),
			TimeUnixNano:       uint64(max(e.TimeUnixNano, 0)),
		}
		switch e.Value.Kind {
		case model.NumberDouble:
			p.Value = &metricspb.Exemplar_AsDouble{AsDouble: e.Value.Double}
		case model.NumberInt:
			p.Value = &metricspb.Exemplar_AsInt{AsInt: e.Value.Int}
		}
		if !e.TraceID.IsZero() {
			p.TraceId = e.TraceID[:]
		}
		if !e.SpanID.IsZero() {
			p.SpanId = e.SpanID[:]
		}
		out[i] = p
	}
	return out
}

func optional(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}
