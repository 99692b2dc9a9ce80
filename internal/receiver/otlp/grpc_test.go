package otlp

import (
	"context"
	"strings"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestGRPCScenarios(t *testing.T) {
	traces := func(t *testing.T, ids ...[2][]byte) *coltracepb.ExportTraceServiceRequest {
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(spansRequest(t, ids...), &req); err != nil {
			t.Fatal(err)
		}
		return &req
	}
	tests := []struct {
		name         string
		req          func(t *testing.T) *coltracepb.ExportTraceServiceRequest
		config       func(*Config)
		sink         func(*recordingSink)
		callOpts     []grpc.CallOption
		wantCode     codes.Code
		wantMessage  string
		wantRejected int64
		wantRetry    time.Duration
		wantItems    int
	}{
		{name: "sdk payload", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest {
			var req coltracepb.ExportTraceServiceRequest
			_ = proto.Unmarshal(captured(t, "traces_go_sdk.pb"), &req)
			return &req
		}, wantItems: 6},
		{name: "gzip", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest { return traces(t, goodID) },
			callOpts: []grpc.CallOption{grpc.UseCompressor(gzip.Name)}, wantItems: 1},
		{name: "empty", req: func(*testing.T) *coltracepb.ExportTraceServiceRequest { return &coltracepb.ExportTraceServiceRequest{} }},
		{name: "all invalid", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest { return traces(t, noIDs) },
			wantCode: codes.InvalidArgument, wantMessage: `1 of 1 span rejected: span 0 "op": trace_id must be 16 bytes, got 0`},
		{name: "some invalid", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest { return traces(t, noIDs, goodID) },
			wantRejected: 1, wantItems: 1, wantMessage: "1 of 2 spans rejected: span 0"},
		{name: "retryable", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest { return traces(t, goodID) },
			sink: func(s *recordingSink) { s.FailWith(errRetry) }, wantCode: codes.Unavailable,
			wantMessage: "ingest queue is full", wantRetry: 10 * time.Millisecond},
		{name: "permanent", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest { return traces(t, goodID) },
			sink: func(s *recordingSink) { s.FailWith(errPermanent) }, wantCode: codes.Internal, wantMessage: "disk is on fire"},
		{name: "oversize", req: func(t *testing.T) *coltracepb.ExportTraceServiceRequest {
			var req coltracepb.ExportTraceServiceRequest
			_ = proto.Unmarshal(captured(t, "traces_go_sdk.pb"), &req)
			return &req
		}, config: func(c *Config) { c.MaxRequestBytes = 100 }, wantCode: codes.ResourceExhausted, wantMessage: "larger than max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, sink, _ := startReceiver(t, tt.config)
			if tt.sink != nil {
				tt.sink(sink)
			}
			conn := dial(t, r)
			resp, err := coltracepb.NewTraceServiceClient(conn).Export(context.Background(), tt.req(t), tt.callOpts...)
			st := status.Convert(err)
			if st.Code() != tt.wantCode {
				t.Fatalf("code %v (%v), want %v", st.Code(), err, tt.wantCode)
			}
			msg := st.Message()
			if err == nil {
				msg = resp.GetPartialSuccess().GetErrorMessage()
				if got := resp.GetPartialSuccess().GetRejectedSpans(); got != tt.wantRejected {
					t.Errorf("rejected %d, want %d", got, tt.wantRejected)
				}
			}
			if !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMessage)
			}
			if tt.wantRetry > 0 {
				var got time.Duration
				for _, d := range st.Details() {
					if ri, ok := d.(*errdetails.RetryInfo); ok {
						got = ri.RetryDelay.AsDuration()
					}
				}
				if got != tt.wantRetry {
					t.Errorf("RetryInfo delay %v, want %v", got, tt.wantRetry)
				}
			}
			if n := len(sink.Spans()); n != tt.wantItems {
				t.Errorf("sink got %d spans, want %d", n, tt.wantItems)
			}
		})
	}
}

func TestGRPCLogsPartialSuccess(t *testing.T) {
	r, sink, _ := startReceiver(t, nil)
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(captured(t, "logs_go_sdk.pb"), &req); err != nil {
		t.Fatal(err)
	}
	req.ResourceLogs[0].ScopeLogs[0].LogRecords = append(req.ResourceLogs[0].ScopeLogs[0].LogRecords,
		&logspb.LogRecord{TraceId: []byte{1, 2, 3}, EventName: "broken"})
	resp, err := collogspb.NewLogsServiceClient(dial(t, r)).Export(context.Background(), &req)
	if err != nil {
		t.Fatal(err)
	}
	ps := resp.GetPartialSuccess()
	if ps.GetRejectedLogRecords() != 1 || !strings.Contains(ps.GetErrorMessage(), `"broken"`) ||
		!strings.Contains(ps.GetErrorMessage(), "trace_id must be empty or 16 bytes, got 3") {
		t.Errorf("partial success %v", ps)
	}
	if n := len(sink.Logs()); n != 5 {
		t.Errorf("sink got %d logs, want 5", n)
	}
}

// TestGRPCMetrics exports metrics over gRPC: a partial success names the
// refused point, all points refused is InvalidArgument, an overloaded sink
// Unavailable with RetryInfo.
func TestGRPCMetrics(t *testing.T) {
	var req colmetricspb.ExportMetricsServiceRequest
	if err := proto.Unmarshal(captured(t, "metrics_go_sdk.pb"), &req); err != nil {
		t.Fatal(err)
	}
	sm := req.ResourceMetrics[0].ScopeMetrics[0]
	sm.Metrics = append(sm.Metrics, &metricspb.Metric{Name: "broken", Data: &metricspb.Metric_Gauge{Gauge: &metricspb.Gauge{
		DataPoints: []*metricspb.NumberDataPoint{{TimeUnixNano: 1, Exemplars: []*metricspb.Exemplar{{SpanId: []byte{1}}}}}}}})
	r, sink, _ := startReceiver(t, nil)
	client := colmetricspb.NewMetricsServiceClient(dial(t, r))
	resp, err := client.Export(context.Background(), &req)
	if err != nil {
		t.Fatal(err)
	}
	ps := resp.GetPartialSuccess()
	if ps.GetRejectedDataPoints() != 1 || !strings.Contains(ps.GetErrorMessage(), "1 of 8 data points rejected: data point ") ||
		!strings.Contains(ps.GetErrorMessage(), `"broken"`) ||
		!strings.Contains(ps.GetErrorMessage(), "exemplar 0: span_id must be empty or 8 bytes, got 1") {
		t.Errorf("partial success %v", ps)
	}
	if n := len(sink.Metrics()); n != 7 {
		t.Errorf("sink got %d points, want 7", n)
	}

	only := &colmetricspb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{{
		ScopeMetrics: []*metricspb.ScopeMetrics{{Metrics: sm.Metrics[len(sm.Metrics)-1:]}}}}}
	_, err = client.Export(context.Background(), only)
	if st := status.Convert(err); st.Code() != codes.InvalidArgument || !strings.Contains(st.Message(), "1 of 1 data point rejected") {
		t.Errorf("all refused: %v", err)
	}

	sink.FailWith(errRetry)
	_, err = client.Export(context.Background(), &req)
	st := status.Convert(err)
	if st.Code() != codes.Unavailable || len(st.Details()) != 1 {
		t.Errorf("overloaded: %v %v", err, st.Details())
	}
}

func dial(t *testing.T, r *Receiver) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(r.GRPCAddr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// bytesCodec sends and receives messages as raw bytes, to put on the wire
// what no SDK would.
type bytesCodec struct{}

func (bytesCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}

func (bytesCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

func (bytesCodec) Name() string { return "proto" }

// TestGRPCRawMessages sends bytes of every sort to both Export methods:
// what is not the request type is refused InvalidArgument, never Internal.
func TestGRPCRawMessages(t *testing.T) {
	const (
		traces  = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
		logs    = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
		metrics = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
	)
	tests := []struct {
		name         string
		method       string
		body         []byte
		wantCode     codes.Code
		wantMessage  string
		wantObserved string
		wantItems    int
	}{
		{name: "valid traces", method: traces, body: spansRequest(t, goodID), wantItems: 1},
		{name: "valid logs", method: logs, body: captured(t, "logs_go_sdk.pb"), wantItems: 5},
		{name: "valid metrics", method: metrics, body: captured(t, "metrics_go_sdk.pb"), wantItems: 7},
		{name: "empty", method: traces},
		{name: "empty metrics", method: metrics},
		{name: "metrics as text", method: metrics, body: []byte(`{"resourceMetrics": []}`), wantCode: codes.InvalidArgument,
			wantMessage: "malformed OTLP protobuf", wantObserved: "metric/malformed"},
		{name: "truncated field", method: traces, body: []byte("\x0a\xff\xff\xff"), wantCode: codes.InvalidArgument,
			wantMessage: "malformed OTLP protobuf", wantObserved: "span/malformed"},
		{name: "text", method: logs, body: []byte(`{"resourceLogs": []}`), wantCode: codes.InvalidArgument,
			wantMessage: "malformed OTLP protobuf", wantObserved: "log/malformed"},
		{name: "invalid utf-8 in a string", method: traces, body: []byte("\x0a\x07\x12\x05\x0a\x03\x0a\x01\xff"),
			wantCode: codes.InvalidArgument, wantMessage: "malformed OTLP protobuf", wantObserved: "span/malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, sink, obs := startReceiver(t, nil)
			var reply []byte
			err := dial(t, r).Invoke(context.Background(), tt.method, &tt.body, &reply, grpc.ForceCodecV2(bytesCodec{}))
			st := status.Convert(err)
			if st.Code() != tt.wantCode || !strings.Contains(st.Message(), tt.wantMessage) {
				t.Errorf("status %v %q, want %v containing %q", st.Code(), st.Message(), tt.wantCode, tt.wantMessage)
			}
			if got := strings.Join(obs.seen, ","); got != tt.wantObserved {
				t.Errorf("observed %q, want %q", got, tt.wantObserved)
			}
			if n := len(sink.Spans()) + len(sink.Logs()) + len(sink.Metrics()); n != tt.wantItems {
				t.Errorf("sink got %d items, want %d", n, tt.wantItems)
			}
		})
	}
}
