package otlp

import (
	"reflect"
	"testing"

	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/receiver/otlp/otlpjson"
)

// TestJSONMetrics checks OTLP/JSON metrics: hex exemplar ids (any case, or
// empty), 64-bit integers as strings or numbers, temporality as number or
// name, every metric type, unknown fields ignored.
func TestJSONMetrics(t *testing.T) {
	var req colmetricspb.ExportMetricsServiceRequest
	if err := unmarshal(ctJSON, testdata(t, "metrics_handwritten.json"), &req, func() error { return otlpjson.FixMetricIDs(&req) }); err != nil {
		t.Fatal(err)
	}
	points, rej := otlpconv.MetricsFromProto("p", req.ResourceMetrics)
	if len(rej) != 0 || len(points) != 5 {
		t.Fatalf("points %d, rejected %+v", len(points), rej)
	}
	sum := points[0]
	if sum.Name != "http.server.requests" || sum.Type != model.MetricSum || !sum.Monotonic ||
		sum.Temporality != model.TemporalityCumulative || sum.Number != (model.Number{Kind: model.NumberInt, Int: 9007199254740993}) ||
		sum.StartUnixNano != 1544712660000000000 || sum.TimeUnixNano != 1544712670000000000 || sum.Service() != "web" {
		t.Errorf("sum %+v", sum)
	}
	wantEx := model.Exemplar{TimeUnixNano: 1544712665000000000, Value: model.Number{Kind: model.NumberInt, Int: 1},
		TraceID: mustTraceID(t, "5b8efff798038103d269b633813fc60c"), SpanID: mustSpanID(t, "eee19b7ec3c1b174"),
		FilteredAttributes: model.Attributes{{Key: "user", Value: model.StringValue("u1")}}}
	if len(sum.Exemplars) != 1 || !reflect.DeepEqual(sum.Exemplars[0], wantEx) {
		t.Errorf("exemplars %+v", sum.Exemplars)
	}
	if g := points[1]; g.Type != model.MetricGauge || g.Number.Double != 61.5 || g.Flags != 1 || g.Unit != "Cel" {
		t.Errorf("gauge %+v", g)
	}
	h := points[2]
	if h.Type != model.MetricHistogram || h.Temporality != model.TemporalityDelta || h.Count != 4 || h.Sum != 370.5 ||
		!h.HasSum || h.Min != 0.5 || h.Max != 300 || !reflect.DeepEqual(h.Bounds, []float64{1, 10, 100}) ||
		!reflect.DeepEqual(h.BucketCounts, []uint64{1, 1, 1, 1}) || len(h.Exemplars) != 1 || !h.Exemplars[0].TraceID.IsZero() {
		t.Errorf("histogram %+v", h)
	}
	e := points[3]
	if e.Type != model.MetricExponentialHistogram || e.Scale != -1 || e.ZeroCount != 1 || e.ZeroThreshold != 0.001 ||
		e.Positive.Offset != 1 || !reflect.DeepEqual(e.Positive.Counts, []uint64{1, 1}) || e.Negative.Counts != nil || e.HasMin {
		t.Errorf("exponential histogram %+v", e)
	}
	s := points[4]
	if s.Type != model.MetricSummary || s.Count != 10 || s.Sum != 55 ||
		!reflect.DeepEqual(s.Quantiles, []model.Quantile{{Quantile: 0.5, Value: 5}, {Quantile: 0.99, Value: 9.9}}) {
		t.Errorf("summary %+v", s)
	}
}

func TestJSONMetricIDErrors(t *testing.T) {
	tests := []struct{ js, want string }{
		{`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"exemplars":[{"traceId":"zz"}]}]}}]}]}]}`,
			"resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].exemplars[0].traceId: want 32 hex characters"},
		{`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{},{"sum":{"dataPoints":[{},{"exemplars":[{},{"spanId":"eee19b7ec3c1b1zz"}]}]}}]}]}]}`,
			`resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[1].exemplars[1].spanId: "eee19b7ec3c1b1zz" is not 16 hex characters`},
		{`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"exemplars":[{"spanId":"ab"}]}]}}]}]}]}`,
			"metrics[0].histogram.dataPoints[0].exemplars[0].spanId"},
		{`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"exemplars":[{"traceId":"ab"}]}]}}]}]}]}`,
			"metrics[0].exponentialHistogram.dataPoints[0].exemplars[0].traceId"},
	}
	for _, tt := range tests {
		var req colmetricspb.ExportMetricsServiceRequest
		err := unmarshal(ctJSON, []byte(tt.js), &req, func() error { return otlpjson.FixMetricIDs(&req) })
		if err == nil || !contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.js, err, tt.want)
		}
	}
}
