package otlpconv_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
)

func f64(v float64) *float64 { return &v }

func fullExemplar() *metricspb.Exemplar {
	return &metricspb.Exemplar{FilteredAttributes: everyKind(), TimeUnixNano: 15,
		Value: &metricspb.Exemplar_AsDouble{AsDouble: 2.5}, TraceId: tid1, SpanId: sid1}
}

// fullMetricsRequest holds a metric of every type with every field set:
// 2 gauge points, 1 sum, 1 histogram, 1 exponential histogram, 1 summary.
func fullMetricsRequest() []*metricspb.ResourceMetrics {
	cum := metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE
	delta := metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA
	metrics := []*metricspb.Metric{
		{Name: "temp", Description: "temperature", Unit: "Cel", Metadata: []*commonpb.KeyValue{kv("m", str("d"))},
			Data: &metricspb.Metric_Gauge{Gauge: &metricspb.Gauge{DataPoints: []*metricspb.NumberDataPoint{
				{Attributes: everyKind(), StartTimeUnixNano: 9, TimeUnixNano: 10, Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: 21.5},
					Exemplars: []*metricspb.Exemplar{fullExemplar()}, Flags: 1},
				{TimeUnixNano: 11, Value: &metricspb.NumberDataPoint_AsInt{AsInt: -3}},
			}}}},
		{Name: "requests", Unit: "1", Data: &metricspb.Metric_Sum{Sum: &metricspb.Sum{AggregationTemporality: delta, IsMonotonic: true,
			DataPoints: []*metricspb.NumberDataPoint{{StartTimeUnixNano: 1, TimeUnixNano: 12, Value: &metricspb.NumberDataPoint_AsInt{AsInt: math.MaxInt64},
				Exemplars: []*metricspb.Exemplar{{TimeUnixNano: 12, Value: &metricspb.Exemplar_AsInt{AsInt: 4}}}}}}}},
		{Name: "latency", Unit: "ms", Data: &metricspb.Metric_Histogram{Histogram: &metricspb.Histogram{AggregationTemporality: cum,
			DataPoints: []*metricspb.HistogramDataPoint{{StartTimeUnixNano: 1, TimeUnixNano: 13, Count: 6, Sum: f64(60.5),
				BucketCounts: []uint64{1, 2, 3}, ExplicitBounds: []float64{1, 10}, Min: f64(0.5), Max: f64(40), Flags: 1}}}}},
		{Name: "size", Data: &metricspb.Metric_ExponentialHistogram{ExponentialHistogram: &metricspb.ExponentialHistogram{
			AggregationTemporality: delta, DataPoints: []*metricspb.ExponentialHistogramDataPoint{{TimeUnixNano: 14, Count: 7,
				Sum: f64(-1), Scale: -2, ZeroCount: 1, ZeroThreshold: 0.001, Min: f64(-8), Max: f64(9),
				Positive: &metricspb.ExponentialHistogramDataPoint_Buckets{Offset: 3, BucketCounts: []uint64{1, 2}},
				Negative: &metricspb.ExponentialHistogramDataPoint_Buckets{Offset: -1, BucketCounts: []uint64{3}}}}}}},
		{Name: "rpc.duration", Data: &metricspb.Metric_Summary{Summary: &metricspb.Summary{DataPoints: []*metricspb.SummaryDataPoint{
			{TimeUnixNano: 15, Count: 100, Sum: 250, QuantileValues: []*metricspb.SummaryDataPoint_ValueAtQuantile{
				{Quantile: 0, Value: 0.1}, {Quantile: 0.99, Value: 9}}}}}}},
	}
	return []*metricspb.ResourceMetrics{
		{Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", str("shop"))}}, SchemaUrl: "https://r",
			ScopeMetrics: []*metricspb.ScopeMetrics{{Scope: &commonpb.InstrumentationScope{Name: "meter", Version: "3"},
				SchemaUrl: "https://s", Metrics: metrics}}},
	}
}

func TestMetricsFromProtoFields(t *testing.T) {
	points, rej := otlpconv.MetricsFromProto("p3", fullMetricsRequest())
	if len(rej) != 0 || len(points) != 6 {
		t.Fatalf("got %d points, rejections %+v", len(points), rej)
	}
	res := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("shop")}}, SchemaURL: "https://r"}
	scope := model.Scope{Name: "meter", Version: "3", SchemaURL: "https://s"}
	base := func(name string, typ model.MetricType) model.MetricPoint {
		return model.MetricPoint{Project: "p3", Name: name, Type: typ, Resource: res, Scope: scope}
	}
	gauge := base("temp", model.MetricGauge)
	gauge.Description, gauge.Unit, gauge.Metadata = "temperature", "Cel", model.Attributes{{Key: "m", Value: model.StringValue("d")}}
	gauge.Attributes, gauge.StartUnixNano, gauge.TimeUnixNano, gauge.Flags = everyKindModel(), 9, 10, 1
	gauge.Number = model.Number{Kind: model.NumberDouble, Double: 21.5}
	gauge.Exemplars = []model.Exemplar{{TimeUnixNano: 15, Value: model.Number{Kind: model.NumberDouble, Double: 2.5},
		FilteredAttributes: everyKindModel(), TraceID: model.TraceID(tid1), SpanID: model.SpanID(sid1)}}
	gaugeInt := base("temp", model.MetricGauge)
	gaugeInt.Description, gaugeInt.Unit, gaugeInt.Metadata = gauge.Description, gauge.Unit, gauge.Metadata
	gaugeInt.TimeUnixNano, gaugeInt.Number = 11, model.Number{Kind: model.NumberInt, Int: -3}
	sum := base("requests", model.MetricSum)
	sum.Unit, sum.Temporality, sum.Monotonic, sum.StartUnixNano, sum.TimeUnixNano = "1", model.TemporalityDelta, true, 1, 12
	sum.Number = model.Number{Kind: model.NumberInt, Int: math.MaxInt64}
	sum.Exemplars = []model.Exemplar{{TimeUnixNano: 12, Value: model.Number{Kind: model.NumberInt, Int: 4}}}
	hist := base("latency", model.MetricHistogram)
	hist.Unit, hist.Temporality, hist.StartUnixNano, hist.TimeUnixNano, hist.Flags = "ms", model.TemporalityCumulative, 1, 13, 1
	hist.Count, hist.Sum, hist.HasSum, hist.Min, hist.HasMin, hist.Max, hist.HasMax = 6, 60.5, true, 0.5, true, 40, true
	hist.Bounds, hist.BucketCounts = []float64{1, 10}, []uint64{1, 2, 3}
	exp := base("size", model.MetricExponentialHistogram)
	exp.Temporality, exp.TimeUnixNano, exp.Count, exp.Sum, exp.HasSum = model.TemporalityDelta, 14, 7, -1, true
	exp.Min, exp.HasMin, exp.Max, exp.HasMax = -8, true, 9, true
	exp.Scale, exp.ZeroCount, exp.ZeroThreshold = -2, 1, 0.001
	exp.Positive, exp.Negative = model.ExpBuckets{Offset: 3, Counts: []uint64{1, 2}}, model.ExpBuckets{Offset: -1, Counts: []uint64{3}}
	summary := base("rpc.duration", model.MetricSummary)
	summary.TimeUnixNano, summary.Count, summary.Sum, summary.HasSum = 15, 100, 250, true
	summary.Quantiles = []model.Quantile{{Quantile: 0, Value: 0.1}, {Quantile: 0.99, Value: 9}}

	for i, want := range []model.MetricPoint{gauge, gaugeInt, sum, hist, exp, summary} {
		if !reflect.DeepEqual(points[i], want) {
			t.Errorf("point %d:\n got %+v\nwant %+v", i, points[i], want)
		}
	}
}

func TestMetricsRoundTrip(t *testing.T) {
	in := fullMetricsRequest()
	points, _ := otlpconv.MetricsFromProto("p", in)
	out := otlpconv.MetricsData(points)
	if want := (&metricspb.MetricsData{ResourceMetrics: in}); !proto.Equal(out, want) {
		t.Errorf("round trip differs:\n got %v\nwant %v", out, want)
	}
}

// TestMetricsRegrouping checks that points of one metric split by a point of
// another come back as two metrics, and that a metric without data adds
// nothing.
func TestMetricsRegrouping(t *testing.T) {
	g := func(name string, v int64) *metricspb.Metric {
		return &metricspb.Metric{Name: name, Data: &metricspb.Metric_Gauge{Gauge: &metricspb.Gauge{
			DataPoints: []*metricspb.NumberDataPoint{{TimeUnixNano: 1, Value: &metricspb.NumberDataPoint_AsInt{AsInt: v}}}}}}
	}
	in := []*metricspb.ResourceMetrics{{ScopeMetrics: []*metricspb.ScopeMetrics{{Metrics: []*metricspb.Metric{
		g("a", 1), g("a", 2), {Name: "empty"}, g("b", 3), g("a", 4)}}}}}
	points, rej := otlpconv.MetricsFromProto("p", in)
	if len(points) != 4 || len(rej) != 0 {
		t.Fatalf("got %d points, %d rejections", len(points), len(rej))
	}
	ms := otlpconv.MetricsData(points).ResourceMetrics[0].ScopeMetrics[0].Metrics
	var got []string
	for _, m := range ms {
		got = append(got, m.Name+":"+strings.Repeat("*", len(m.GetGauge().DataPoints)))
	}
	if want := []string{"a:**", "b:*", "a:*"}; !reflect.DeepEqual(got, want) {
		t.Errorf("metrics %q, want %q", got, want)
	}
}

func TestMetricsRejected(t *testing.T) {
	tests := []struct {
		name   string
		index  int // of the point mutated and refused
		mutate func(ms []*metricspb.Metric)
		reason string
		msg    string
	}{
		{"time beyond int64", 1, func(ms []*metricspb.Metric) { ms[0].GetGauge().DataPoints[1].TimeUnixNano = math.MaxUint64 },
			otlpconv.ReasonInvalidTime, "time_unix_nano 18446744073709551615 is beyond the year 2262"},
		{"start beyond int64", 2, func(ms []*metricspb.Metric) { ms[1].GetSum().DataPoints[0].StartTimeUnixNano = 1 << 63 },
			otlpconv.ReasonInvalidTime, "start_time_unix_nano"},
		{"bucket counts", 3, func(ms []*metricspb.Metric) { ms[2].GetHistogram().DataPoints[0].BucketCounts = []uint64{1, 2} },
			otlpconv.ReasonInvalidHistogram, "2 bucket_counts for 2 explicit_bounds, want 3 or none"},
		{"exemplar trace id", 0, func(ms []*metricspb.Metric) { ms[0].GetGauge().DataPoints[0].Exemplars[0].TraceId = tid1[:3] },
			otlpconv.ReasonInvalidExemplar, "exemplar 0: trace_id must be empty or 16 bytes, got 3"},
		{"exemplar span id", 0, func(ms []*metricspb.Metric) { ms[0].GetGauge().DataPoints[0].Exemplars[0].SpanId = tid1 },
			otlpconv.ReasonInvalidExemplar, "exemplar 0: span_id must be empty or 8 bytes, got 16"},
		{"exemplar time", 4, func(ms []*metricspb.Metric) {
			ms[3].GetExponentialHistogram().DataPoints[0].Exemplars = []*metricspb.Exemplar{{TimeUnixNano: math.MaxUint64}}
		}, otlpconv.ReasonInvalidExemplar, "exemplar 0: time_unix_nano"},
		{"summary time", 5, func(ms []*metricspb.Metric) { ms[4].GetSummary().DataPoints[0].TimeUnixNano = math.MaxUint64 },
			otlpconv.ReasonInvalidTime, "time_unix_nano"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := fullMetricsRequest()
			tt.mutate(req[0].ScopeMetrics[0].Metrics)
			points, rej := otlpconv.MetricsFromProto("p", req)
			if len(points) != 5 || len(rej) != 1 {
				t.Fatalf("got %d points and %d rejections, want 5 and 1", len(points), len(rej))
			}
			r := rej[0]
			if r.Index != tt.index || r.Reason != tt.reason || r.Service != "shop" {
				t.Errorf("rejection %+v: want index %d, reason %q, service shop", r, tt.index, tt.reason)
			}
			if !strings.HasPrefix(r.Message, "data point ") || !strings.Contains(r.Message, `of scope "meter": `) ||
				!strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not name the point and %q", r.Message, tt.msg)
			}
		})
	}
}
