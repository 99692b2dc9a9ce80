package otlp

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// captured reads a payload captured from the real Go SDK (see otlpconv).
func captured(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "otlpconv", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// spansRequest marshals one scope of spans whose ids are given.
func spansRequest(t testing.TB, ids ...[2][]byte) []byte {
	t.Helper()
	var spans []*tracepb.Span
	for _, id := range ids {
		spans = append(spans, &tracepb.Span{TraceId: id[0], SpanId: id[1], Name: "op", StartTimeUnixNano: 1, EndTimeUnixNano: 2})
	}
	b, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{
		{ScopeSpans: []*tracepb.ScopeSpans{{Spans: spans}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// histogramsRequest marshals one histogram metric with a point per entry
// of buckets, each with that many bucket counts for two bounds (valid: 0 or 3).
func histogramsRequest(t testing.TB, buckets ...int) []byte {
	t.Helper()
	var points []*metricspb.HistogramDataPoint
	for _, n := range buckets {
		points = append(points, &metricspb.HistogramDataPoint{TimeUnixNano: 1, Count: uint64(n),
			ExplicitBounds: []float64{1, 2}, BucketCounts: make([]uint64, n)})
	}
	b, err := proto.Marshal(&colmetricspb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{
		{ScopeMetrics: []*metricspb.ScopeMetrics{{Metrics: []*metricspb.Metric{{Name: "latency",
			Data: &metricspb.Metric_Histogram{Histogram: &metricspb.Histogram{DataPoints: points}}}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	goodID = [2][]byte{bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 8)}
	noIDs  = [2][]byte{nil, nil}
)

type scenario struct {
	name         string
	method, path string
	header       map[string]string
	body         []byte
	config       func(*Config)
	sink         func(*recordingSink)
	wantStatus   int
	wantHeader   map[string]string
	wantMessage  string // in the google.rpc.Status or partial-success message, or plain body
	wantRejected int64
	wantItems    int      // spans + logs + metric points the sink received
	wantObserved []string // kind/reason reported to the observer
}

func TestHTTPScenarios(t *testing.T) {
	pb := map[string]string{"Content-Type": "application/x-protobuf"}
	js := map[string]string{"Content-Type": "application/json"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	bomb := gzipped(make([]byte, 8<<20))
	small := func(c *Config) { c.MaxRequestBytes = 1 << 20 }
	tests := []scenario{
		{name: "protobuf traces", path: PathTraces, header: pb, body: captured(t, "traces_go_sdk.pb"),
			wantStatus: 200, wantHeader: map[string]string{"Content-Type": "application/x-protobuf"}, wantItems: 6},
		{name: "protobuf logs", path: PathLogs, header: pb, body: captured(t, "logs_go_sdk.pb"), wantStatus: 200, wantItems: 5},
		{name: "protobuf with charset and alias", path: PathTraces, header: map[string]string{"Content-Type": "application/protobuf; charset=binary"},
			body: captured(t, "traces_go_sdk.pb"), wantStatus: 200, wantItems: 6},
		{name: "gzip traces", path: PathTraces, header: with(pb, "Content-Encoding", "gzip"),
			body: gzipped(captured(t, "traces_go_sdk.pb")), wantStatus: 200, wantItems: 6},
		{name: "json traces", path: PathTraces, header: js, body: testdata(t, "traces_handwritten.json"),
			wantStatus: 200, wantHeader: map[string]string{"Content-Type": "application/json"}, wantItems: 2},
		{name: "json logs gzip", path: PathLogs, header: with(js, "Content-Encoding", "gzip"),
			body: gzipped(testdata(t, "logs_handwritten.json")), wantStatus: 200, wantItems: 2},
		{name: "empty request", path: PathTraces, header: pb, body: nil, wantStatus: 200},
		{name: "empty json request", path: PathLogs, header: js, body: []byte("{}"), wantStatus: 200},
		{name: "malformed protobuf", path: PathTraces, header: pb, body: []byte("\x0a\xff\xff\xff"),
			wantStatus: 400, wantMessage: "malformed OTLP protobuf", wantObserved: []string{"span/malformed"}},
		{name: "malformed json", path: PathLogs, header: js, body: []byte(`{"resourceLogs": [`),
			wantStatus: 400, wantMessage: "malformed OTLP/JSON", wantObserved: []string{"log/malformed"}},
		{name: "json id not hex", path: PathTraces, header: js,
			body:       []byte(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc6zz","spanId":"eee19b7ec3c1b174"}]}]}]}`),
			wantStatus: 400, wantMessage: `resourceSpans[0].scopeSpans[0].spans[0].traceId: "5b8efff798038103d269b633813fc6zz" is not 32 hex characters`},
		{name: "json id wrong length", path: PathLogs, header: js,
			body:       []byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"spanId":"eee19b7ec3c1b1"}]}]}]}`),
			wantStatus: 400, wantMessage: "resourceLogs[0].scopeLogs[0].logRecords[0].spanId: want 16 hex characters"},
		{name: "wrong content type", path: PathTraces, header: map[string]string{"Content-Type": "text/plain"}, body: []byte("x"),
			wantStatus: 415, wantMessage: `unsupported content type "text/plain"`, wantObserved: []string{"span/unsupported_content_type"}},
		{name: "no content type", path: PathTraces, body: []byte("x"), wantStatus: 415},
		{name: "unsupported encoding", path: PathTraces, header: with(pb, "Content-Encoding", "br"), body: []byte("x"),
			wantStatus: 415, wantMessage: `unsupported content encoding "br"`},
		{name: "corrupt gzip", path: PathTraces, header: with(pb, "Content-Encoding", "gzip"), body: []byte("not gzip"),
			wantStatus: 400, wantMessage: "gzip header"},
		{name: "oversize by content length", path: PathTraces, header: pb, body: make([]byte, 1<<20+1), config: small,
			wantStatus: 413, wantMessage: "exceeds the limit of 1048576 bytes", wantObserved: []string{"span/too_large"}},
		{name: "gzip bomb", path: PathTraces, header: with(pb, "Content-Encoding", "gzip"), body: bomb, config: small,
			wantStatus: 413, wantMessage: "after decompression"},
		{name: "all spans invalid", path: PathTraces, header: pb, body: spansRequest(t, noIDs, noIDs),
			wantStatus: 400, wantMessage: `2 of 2 spans rejected: span 0 "op": trace_id must be 16 bytes, got 0`,
			wantObserved: []string{"span/invalid_trace_id", "span/invalid_trace_id"}},
		{name: "some spans invalid", path: PathTraces, header: pb, body: spansRequest(t, goodID, noIDs, goodID),
			wantStatus: 200, wantRejected: 1, wantItems: 2, wantMessage: `1 of 3 spans rejected: span 1 "op": trace_id must be 16 bytes`},
		{name: "pipeline refuses some", path: PathTraces, header: js, body: testdata(t, "traces_handwritten.json"),
			sink: func(s *recordingSink) {
				s.Result = func(*model.Batch) pipeline.Result {
					return pipeline.Result{Rejected: []pipeline.Rejection{{Kind: "span", Index: 0, Message: "span x: too old"}}}
				}
			},
			wantStatus: 200, wantRejected: 1, wantItems: 2, wantMessage: "1 of 2 spans rejected: span x: too old"},
		{name: "retryable sink", path: PathTraces, header: pb, body: captured(t, "traces_go_sdk.pb"),
			sink: func(s *recordingSink) { s.FailWith(errRetry) }, wantStatus: 503,
			wantHeader: map[string]string{"Retry-After": "1"}, wantMessage: "ingest queue is full"},
		{name: "retryable sink json", path: PathLogs, header: js, body: testdata(t, "logs_handwritten.json"),
			sink: func(s *recordingSink) { s.FailWith(pipeline.Retryable(errPermanent)) }, wantStatus: 503},
		{name: "client gone", path: PathTraces, header: pb, body: captured(t, "traces_go_sdk.pb"),
			sink: func(s *recordingSink) { s.FailWith(context.Canceled) }, wantStatus: 503,
			wantHeader: map[string]string{"Retry-After": "1"}},
		{name: "permanent sink", path: PathTraces, header: pb, body: captured(t, "traces_go_sdk.pb"),
			sink: func(s *recordingSink) { s.FailWith(errPermanent) }, wantStatus: 500, wantMessage: "disk is on fire"},
		{name: "wrong method", method: "GET", path: PathTraces, wantStatus: 405,
			wantHeader: map[string]string{"Allow": "POST, OPTIONS"}, wantMessage: "method GET not allowed"},
		{name: "unknown path", path: "/v1/profiles", header: pb, wantStatus: 404,
			wantMessage: `no OTLP endpoint at "/v1/profiles": use /v1/traces, /v1/logs or /v1/metrics`},
		{name: "protobuf metrics", path: PathMetrics, header: pb, body: captured(t, "metrics_go_sdk.pb"),
			wantStatus: 200, wantHeader: map[string]string{"Content-Type": "application/x-protobuf"}, wantItems: 7},
		{name: "gzip metrics", path: PathMetrics, header: with(pb, "Content-Encoding", "gzip"),
			body: gzipped(captured(t, "metrics_go_sdk.pb")), wantStatus: 200, wantItems: 7},
		{name: "json metrics", path: PathMetrics, header: js, body: testdata(t, "metrics_handwritten.json"),
			wantStatus: 200, wantHeader: map[string]string{"Content-Type": "application/json"}, wantItems: 5},
		{name: "json metrics gzip", path: PathMetrics, header: with(js, "Content-Encoding", "gzip"),
			body: gzipped(testdata(t, "metrics_handwritten.json")), wantStatus: 200, wantItems: 5},
		{name: "empty metrics request", path: PathMetrics, header: js, body: []byte(`{"resourceMetrics":[]}`), wantStatus: 200},
		{name: "malformed metrics", path: PathMetrics, header: pb, body: []byte("\x0a\xff\xff\xff"),
			wantStatus: 400, wantMessage: "malformed OTLP protobuf", wantObserved: []string{"metric/malformed"}},
		{name: "malformed json metrics", path: PathMetrics, header: js, body: []byte(`{"resourceMetrics":{}}`),
			wantStatus: 400, wantMessage: "malformed OTLP/JSON", wantObserved: []string{"metric/malformed"}},
		{name: "json exemplar id not hex", path: PathMetrics, header: js,
			body:       []byte(`{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"exemplars":[{"spanId":"eee19b7ec3c1b1zz"}]}]}}]}]}]}`),
			wantStatus: 400, wantMessage: `resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].exemplars[0].spanId`},
		{name: "some points invalid", path: PathMetrics, header: pb, body: histogramsRequest(t, 3, 2, 0),
			wantStatus: 200, wantRejected: 1, wantItems: 2,
			wantMessage:  `1 of 3 data points rejected: data point 1 "latency": 2 bucket_counts for 2 explicit_bounds, want 3 or none`,
			wantObserved: []string{"metric/invalid_histogram"}},
		{name: "all points invalid", path: PathMetrics, header: pb, body: histogramsRequest(t, 1),
			wantStatus: 400, wantMessage: `1 of 1 data point rejected: data point 0 "latency"`},
		{name: "pipeline refuses some points", path: PathMetrics, header: js, body: testdata(t, "metrics_handwritten.json"),
			sink: func(s *recordingSink) {
				s.Result = func(*model.Batch) pipeline.Result {
					return pipeline.Result{Rejected: []pipeline.Rejection{{Kind: "metric", Index: 3, Message: "data point 3: too old"},
						{Kind: "span", Index: 0, Message: "not counted"}}}
				}
			},
			wantStatus: 200, wantRejected: 1, wantItems: 5, wantMessage: "1 of 5 data points rejected: data point 3: too old"},
		{name: "retryable sink metrics", path: PathMetrics, header: pb, body: captured(t, "metrics_go_sdk.pb"),
			sink: func(s *recordingSink) { s.FailWith(errRetry) }, wantStatus: 503,
			wantHeader: map[string]string{"Retry-After": "1"}, wantMessage: "submit 7 data points: ingest queue is full"},
		{name: "oversize metrics", path: PathMetrics, header: pb, body: make([]byte, 1<<20+1), config: small,
			wantStatus: 413, wantObserved: []string{"metric/too_large"}},
		{name: "cors preflight metrics", method: "OPTIONS", path: PathMetrics,
			header:     map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
			wantStatus: 204, wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{name: "cors preflight", method: "OPTIONS", path: PathTraces,
			header: map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "content-type"},
			wantStatus: 204, wantHeader: map[string]string{"Access-Control-Allow-Origin": "*",
				"Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Allow-Headers": "content-type"}},
		{name: "cors preflight listed origin", method: "OPTIONS", path: PathLogs,
			config:     func(c *Config) { c.CORSAllowedOrigins = []string{"https://*.example.com"} },
			header:     map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"},
			wantStatus: 204, wantHeader: map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Vary": "Origin"}},
		{name: "cors preflight other origin", method: "OPTIONS", path: PathTraces,
			config:     func(c *Config) { c.CORSAllowedOrigins = []string{"https://app.example.com"} },
			header:     map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
			wantStatus: 403, wantHeader: map[string]string{"Access-Control-Allow-Origin": ""}},
		{name: "cors post", path: PathTraces, header: with(js, "Origin", "http://localhost:3000"),
			body: testdata(t, "traces_handwritten.json"), wantStatus: 200, wantItems: 2,
			wantHeader: map[string]string{"Access-Control-Allow-Origin": "*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runScenario(t, tt) })
	}
}

func runScenario(t *testing.T, tt scenario) {
	cfg := DefaultConfig()
	if tt.config != nil {
		tt.config(&cfg)
	}
	obs := &recordingObserver{}
	cfg.Observer = obs
	sink := &recordingSink{}
	if tt.sink != nil {
		tt.sink(sink)
	}
	r, err := New(cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	method := tt.method
	if method == "" {
		method = "POST"
	}
	req := httptest.NewRequest(method, tt.path, bytes.NewReader(tt.body))
	for k, v := range tt.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	res := rec.Result()
	if res.StatusCode != tt.wantStatus {
		t.Errorf("status %d, want %d; body %q", res.StatusCode, tt.wantStatus, rec.Body.String())
	}
	for k, v := range tt.wantHeader {
		if got := res.Header.Get(k); got != v {
			t.Errorf("header %s: %q, want %q", k, got, v)
		}
	}
	msg, rejected := replyMessage(t, tt.path, res.StatusCode, res.Header.Get("Content-Type"), rec.Body.Bytes())
	if !strings.Contains(msg, tt.wantMessage) {
		t.Errorf("message %q does not contain %q", msg, tt.wantMessage)
	}
	if rejected != tt.wantRejected {
		t.Errorf("rejected %d, want %d", rejected, tt.wantRejected)
	}
	if n := len(sink.Spans()) + len(sink.Logs()) + len(sink.Metrics()); n != tt.wantItems {
		t.Errorf("sink got %d items, want %d", n, tt.wantItems)
	}
	if tt.wantObserved != nil && strings.Join(obs.seen, ",") != strings.Join(tt.wantObserved, ",") {
		t.Errorf("observed %q, want %q", obs.seen, tt.wantObserved)
	}
}

// replyMessage decodes an OTLP/HTTP reply: the google.rpc.Status message of an
// error, or the partial-success message and count of a success.
func replyMessage(t *testing.T, path string, status int, ct string, body []byte) (string, int64) {
	t.Helper()
	var unmarshal func([]byte, proto.Message) error
	switch ct {
	case "application/json":
		unmarshal = protojson.Unmarshal
	case "application/x-protobuf":
		unmarshal = proto.Unmarshal
	default:
		return string(body), 0
	}
	if status != 200 {
		var st spb.Status
		if err := unmarshal(body, &st); err != nil {
			t.Fatalf("status body: %v", err)
		}
		want := codes.InvalidArgument
		switch status {
		case 503:
			want = codes.Unavailable
		case 500:
			want = codes.Internal
		}
		if codes.Code(st.Code) != want {
			t.Errorf("status code %v, want %v", codes.Code(st.Code), want)
		}
		return st.Message, 0
	}
	if path == PathMetrics {
		var resp colmetricspb.ExportMetricsServiceResponse
		if err := unmarshal(body, &resp); err != nil {
			t.Fatalf("reply: %v", err)
		}
		return resp.GetPartialSuccess().GetErrorMessage(), resp.GetPartialSuccess().GetRejectedDataPoints()
	}
	if path == PathLogs {
		var resp collogspb.ExportLogsServiceResponse
		if err := unmarshal(body, &resp); err != nil {
			t.Fatalf("reply: %v", err)
		}
		return resp.GetPartialSuccess().GetErrorMessage(), resp.GetPartialSuccess().GetRejectedLogRecords()
	}
	var resp coltracepb.ExportTraceServiceResponse
	if err := unmarshal(body, &resp); err != nil {
		t.Fatalf("reply: %v", err)
	}
	return resp.GetPartialSuccess().GetErrorMessage(), resp.GetPartialSuccess().GetRejectedSpans()
}
