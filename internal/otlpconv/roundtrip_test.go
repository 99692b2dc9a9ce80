package otlpconv_test

import (
	"os"
	"path/filepath"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/otlpconv/otlptest"
)

func readTraces(t testing.TB, file string) *coltracepb.ExportTraceServiceRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &req
}

func readLogs(t testing.TB, file string) *collogspb.ExportLogsServiceRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &req
}

// TestCapturedTracesRoundTrip decodes what the real SDK sent, checks every
// model value, and converts back to the identical protobuf.
func TestCapturedTracesRoundTrip(t *testing.T) {
	req := readTraces(t, "traces_go_sdk.pb")
	spans, rej := otlpconv.SpansFromProto(model.DefaultProject, req.ResourceSpans)
	if len(rej) != 0 {
		t.Fatalf("rejected: %+v", rej)
	}
	otlptest.CheckTraces(t, model.DefaultProject, spans)
	back := otlpconv.TracesData(spans)
	for _, rs := range req.ResourceSpans {
		if rs.Resource == nil {
			rs.Resource = &resourcepb.Resource{}
		}
	}
	if want := (&coltracepb.ExportTraceServiceRequest{ResourceSpans: back.ResourceSpans}); !proto.Equal(req, want) {
		t.Errorf("round trip differs:\n got %v\nwant %v", want, req)
	}
}

func TestCapturedLogsRoundTrip(t *testing.T) {
	req := readLogs(t, "logs_go_sdk.pb")
	logs, rej := otlpconv.LogsFromProto(model.DefaultProject, req.ResourceLogs)
	if len(rej) != 0 {
		t.Fatalf("rejected: %+v", rej)
	}
	otlptest.CheckLogs(t, model.DefaultProject, logs)
	back := otlpconv.LogsData(logs)
	if want := (&collogspb.ExportLogsServiceRequest{ResourceLogs: back.ResourceLogs}); !proto.Equal(req, want) {
		t.Errorf("round trip differs:\n got %v\nwant %v", want, req)
	}
}

func readMetrics(t testing.TB, file string) *colmetricspb.ExportMetricsServiceRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var req colmetricspb.ExportMetricsServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &req
}

func TestCapturedMetricsRoundTrip(t *testing.T) {
	req := readMetrics(t, "metrics_go_sdk.pb")
	points, rej := otlpconv.MetricsFromProto(model.DefaultProject, req.ResourceMetrics)
	if len(rej) != 0 {
		t.Fatalf("rejected: %+v", rej)
	}
	otlptest.CheckMetrics(t, model.DefaultProject, points)
	back := otlpconv.MetricsData(points)
	if want := (&colmetricspb.ExportMetricsServiceRequest{ResourceMetrics: back.ResourceMetrics}); !proto.Equal(req, want) {
		t.Errorf("round trip differs:\n got %v\nwant %v", want, req)
	}
}
