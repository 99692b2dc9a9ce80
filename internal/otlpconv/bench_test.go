package otlpconv_test

import (
	"bytes"
	"fmt"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
)

// benchItems is the number of spans or log records in a benchmark request:
// two resources of two scopes each, as a gateway batching two services sends.
const benchItems = 512

// benchRequest builds a benchmark request: two services of two scopes each,
// item n made by item.
func benchRequest[R, S, P any](group func(*resourcepb.Resource, []S) R, scope func(*commonpb.InstrumentationScope, []P) S,
	item func(n int) P) []R {
	var out []R
	n := 0
	for _, service := range []string{"checkout", "cart"} {
		res := &resourcepb.Resource{Attributes: []*commonpb.KeyValue{
			kv("service.name", str(service)), kv("service.version", str("1.4.2")),
			kv("host.name", str("ip-10-0-0-12")), kv("telemetry.sdk.language", str("go"))}}
		var scopes []S
		for _, sc := range []*commonpb.InstrumentationScope{{Name: "net/http", Version: "0.72.0"}, {Name: "database/sql", Version: "0.1.0"}} {
			var items []P
			for range benchItems / 4 {
				items = append(items, item(n))
				n++
			}
			scopes = append(scopes, scope(sc, items))
		}
		out = append(out, group(res, scopes))
	}
	return out
}

func benchAttrs(n int) []*commonpb.KeyValue {
	return []*commonpb.KeyValue{kv("http.request.method", str("GET")), kv("url.path", str(fmt.Sprintf("/api/items/%d", n%7))),
		kv("server.address", str("shop.example.com")), kv("user_agent.original", str("Mozilla/5.0 (X11; Linux x86_64)"))}
}

func benchTraces() []*tracepb.ResourceSpans {
	return benchRequest(
		func(res *resourcepb.Resource, ss []*tracepb.ScopeSpans) *tracepb.ResourceSpans {
			return &tracepb.ResourceSpans{Resource: res, ScopeSpans: ss}
		},
		func(scope *commonpb.InstrumentationScope, spans []*tracepb.Span) *tracepb.ScopeSpans {
			return &tracepb.ScopeSpans{Scope: scope, Spans: spans}
		},
		func(n int) *tracepb.Span {
			return &tracepb.Span{
				TraceId: bytes.Repeat([]byte{byte(n/16 + 1)}, 16), SpanId: []byte{1, 2, 3, 4, 5, 6, byte(n >> 8), byte(n)},
				Name: "GET /api/items", StartTimeUnixNano: 1_767_000_000_000_000_000, EndTimeUnixNano: 1_767_000_000_005_000_000,
				Attributes: benchAttrs(n)}
		})
}

func benchLogs() []*logspb.ResourceLogs {
	return benchRequest(
		func(res *resourcepb.Resource, sl []*logspb.ScopeLogs) *logspb.ResourceLogs {
			return &logspb.ResourceLogs{Resource: res, ScopeLogs: sl}
		},
		func(scope *commonpb.InstrumentationScope, records []*logspb.LogRecord) *logspb.ScopeLogs {
			return &logspb.ScopeLogs{Scope: scope, LogRecords: records}
		},
		func(n int) *logspb.LogRecord {
			return &logspb.LogRecord{
				TimeUnixNano: 1_767_000_000_000_000_000, SeverityNumber: logspb.SeverityNumber_SEVERITY_NUMBER_INFO,
				SeverityText: "INFO", Body: str(fmt.Sprintf("served item %d", n)),
				TraceId: bytes.Repeat([]byte{byte(n/16 + 1)}, 16), SpanId: []byte{1, 2, 3, 4, 5, 6, byte(n >> 8), byte(n)},
				Attributes: benchAttrs(n)}
		})
}

// BenchmarkSpansFromProto measures converting decoded spans to the model.
func BenchmarkSpansFromProto(b *testing.B) {
	req := benchTraces()
	b.ReportAllocs()
	for b.Loop() {
		if spans, rej := otlpconv.SpansFromProto(model.DefaultProject, req); len(spans) != benchItems || rej != nil {
			b.Fatal("conversion failed")
		}
	}
}

// BenchmarkLogsFromProto measures converting decoded log records to the model.
func BenchmarkLogsFromProto(b *testing.B) {
	req := benchLogs()
	b.ReportAllocs()
	for b.Loop() {
		if logs, rej := otlpconv.LogsFromProto(model.DefaultProject, req); len(logs) != benchItems || rej != nil {
			b.Fatal("conversion failed")
		}
	}
}

// benchMetrics holds benchItems points: per scope, one histogram metric
// whose points differ by attributes, as an SDK's periodic export has them.
func benchMetrics() []*metricspb.ResourceMetrics {
	return benchRequest(
		func(res *resourcepb.Resource, sm []*metricspb.ScopeMetrics) *metricspb.ResourceMetrics {
			return &metricspb.ResourceMetrics{Resource: res, ScopeMetrics: sm}
		},
		func(scope *commonpb.InstrumentationScope, points []*metricspb.HistogramDataPoint) *metricspb.ScopeMetrics {
			return &metricspb.ScopeMetrics{Scope: scope, Metrics: []*metricspb.Metric{{Name: "http.server.request.duration", Unit: "s",
				Data: &metricspb.Metric_Histogram{Histogram: &metricspb.Histogram{DataPoints: points,
					AggregationTemporality: metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE}}}}}
		},
		func(n int) *metricspb.HistogramDataPoint {
			sum := float64(n) / 10
			return &metricspb.HistogramDataPoint{StartTimeUnixNano: 1_767_000_000_000_000_000, TimeUnixNano: 1_767_000_060_000_000_000,
				Count: uint64(n), Sum: &sum, ExplicitBounds: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1},
				BucketCounts: []uint64{1, 2, 3, 4, 5, 6, 7, 8, uint64(n)}, Attributes: benchAttrs(n)}
		})
}

// BenchmarkMetricsFromProto measures converting decoded data points to the model.
func BenchmarkMetricsFromProto(b *testing.B) {
	req := benchMetrics()
	b.ReportAllocs()
	for b.Loop() {
		if points, rej := otlpconv.MetricsFromProto(model.DefaultProject, req); len(points) != benchItems || rej != nil {
			b.Fatal("conversion failed")
		}
	}
}
