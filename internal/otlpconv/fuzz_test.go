package otlpconv_test

import (
	"bytes"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"lookout/internal/otlpconv"
)

var deterministic = proto.MarshalOptions{Deterministic: true}

// FuzzSpansRoundTrip checks, for any decodable request, that every span is
// either converted or rejected, and that what was converted survives
// model→OTLP→model→OTLP bit for bit.
func FuzzSpansRoundTrip(f *testing.F) {
	for _, file := range []string{"traces_go_sdk.pb"} {
		b, _ := proto.Marshal(readTraces(f, file))
		f.Add(b)
	}
	full, _ := proto.Marshal(&tracepb.TracesData{ResourceSpans: fullRequest()})
	f.Add(full)
	f.Fuzz(func(t *testing.T, data []byte) {
		var req coltracepb.ExportTraceServiceRequest
		if proto.Unmarshal(data, &req) != nil {
			return
		}
		total := 0
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				total += len(ss.Spans)
			}
		}
		spans, rej := otlpconv.SpansFromProto("p", req.ResourceSpans)
		if len(spans)+len(rej) != total {
			t.Fatalf("%d spans + %d rejected != %d sent", len(spans), len(rej), total)
		}
		once := otlpconv.TracesData(spans)
		again, rej2 := otlpconv.SpansFromProto("p", once.ResourceSpans)
		if len(rej2) != 0 || len(again) != len(spans) {
			t.Fatalf("converted spans did not convert again: %+v", rej2)
		}
		b1, _ := deterministic.Marshal(once)
		b2, _ := deterministic.Marshal(otlpconv.TracesData(again))
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip not stable")
		}
	})
}

// FuzzLogsRoundTrip is FuzzSpansRoundTrip for log records.
func FuzzLogsRoundTrip(f *testing.F) {
	b, _ := proto.Marshal(readLogs(f, "logs_go_sdk.pb"))
	f.Add(b)
	full, _ := proto.Marshal(&logspb.LogsData{ResourceLogs: fullLogsRequest()})
	f.Add(full)
	f.Fuzz(func(t *testing.T, data []byte) {
		var req collogspb.ExportLogsServiceRequest
		if proto.Unmarshal(data, &req) != nil {
			return
		}
		total := 0
		for _, rl := range req.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				total += len(sl.LogRecords)
			}
		}
		logs, rej := otlpconv.LogsFromProto("p", req.ResourceLogs)
		if len(logs)+len(rej) != total {
			t.Fatalf("%d logs + %d rejected != %d sent", len(logs), len(rej), total)
		}
		once := otlpconv.LogsData(logs)
		again, rej2 := otlpconv.LogsFromProto("p", once.ResourceLogs)
		if len(rej2) != 0 || len(again) != len(logs) {
			t.Fatalf("converted logs did not convert again: %+v", rej2)
		}
		b1, _ := deterministic.Marshal(once)
		b2, _ := deterministic.Marshal(otlpconv.LogsData(again))
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip not stable")
		}
	})
}

// FuzzMetricsRoundTrip is FuzzSpansRoundTrip for metric data points.
func FuzzMetricsRoundTrip(f *testing.F) {
	b, _ := proto.Marshal(readMetrics(f, "metrics_go_sdk.pb"))
	f.Add(b)
	full, _ := proto.Marshal(&metricspb.MetricsData{ResourceMetrics: fullMetricsRequest()})
	f.Add(full)
	f.Fuzz(func(t *testing.T, data []byte) {
		var req colmetricspb.ExportMetricsServiceRequest
		if proto.Unmarshal(data, &req) != nil {
			return
		}
		total := 0
		for _, rm := range req.ResourceMetrics {
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					total += len(m.GetGauge().GetDataPoints()) + len(m.GetSum().GetDataPoints()) +
						len(m.GetHistogram().GetDataPoints()) + len(m.GetExponentialHistogram().GetDataPoints()) +
						len(m.GetSummary().GetDataPoints())
				}
			}
		}
		points, rej := otlpconv.MetricsFromProto("p", req.ResourceMetrics)
		if len(points)+len(rej) != total {
			t.Fatalf("%d points + %d rejected != %d sent", len(points), len(rej), total)
		}
		once := otlpconv.MetricsData(points)
		again, rej2 := otlpconv.MetricsFromProto("p", once.ResourceMetrics)
		if len(rej2) != 0 || len(again) != len(points) {
			t.Fatalf("converted points did not convert again: %+v", rej2)
		}
		b1, _ := deterministic.Marshal(once)
		b2, _ := deterministic.Marshal(otlpconv.MetricsData(again))
		if !bytes.Equal(b1, b2) {
			t.Fatalf("round trip not stable")
		}
	})
}
