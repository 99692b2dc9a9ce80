package otlp

import (
	"context"
	"strings"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
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

func dial(t *testing.T, r *Receiver) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(r.GRPCAddr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
