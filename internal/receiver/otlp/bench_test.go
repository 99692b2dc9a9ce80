package otlp

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
)

const benchSpans = 512

// benchRequest is a typical SDK export: one resource, two scopes, 512 spans
// with eight attributes each and one event on every fourth span.
func benchRequest() *coltracepb.ExportTraceServiceRequest {
	s := func(k, v string) *commonpb.KeyValue {
		return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
	}
	i := func(k string, v int64) *commonpb.KeyValue {
		return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}}
	}
	res := &resourcepb.Resource{Attributes: []*commonpb.KeyValue{s("service.name", "checkout"), s("service.version", "1.4.2"),
		s("host.name", "ip-10-0-0-12"), s("telemetry.sdk.language", "go"), s("telemetry.sdk.version", "1.47.0")}}
	scopes := []*tracepb.ScopeSpans{
		{Scope: &commonpb.InstrumentationScope{Name: "net/http", Version: "0.72.0"}},
		{Scope: &commonpb.InstrumentationScope{Name: "database/sql", Version: "0.1.0"}},
	}
	start := uint64(1_767_000_000_000_000_000)
	for n := range benchSpans {
		sp := &tracepb.Span{
			TraceId: bytes.Repeat([]byte{byte(n/16 + 1)}, 16), SpanId: []byte{1, 2, 3, 4, 5, 6, byte(n >> 8), byte(n)},
			ParentSpanId: []byte{9, 9, 9, 9, 9, 9, 9, byte(n / 16)}, Name: fmt.Sprintf("GET /api/items/%d", n%7),
			Kind: tracepb.Span_SPAN_KIND_SERVER, StartTimeUnixNano: start + uint64(n)*1000, EndTimeUnixNano: start + uint64(n)*1000 + 5e6,
			Flags: 0x101,
			Attributes: []*commonpb.KeyValue{s("http.request.method", "GET"), s("url.path", "/api/items/42"),
				i("http.response.status_code", 200), s("server.address", "shop.example.com"), i("server.port", 443),
				s("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)"), s("network.protocol.version", "1.1"),
				i("http.request.body.size", int64(n))},
			Status: &tracepb.Status{},
		}
		if n%4 == 0 {
			sp.Events = []*tracepb.Span_Event{{TimeUnixNano: start + uint64(n)*1000 + 1, Name: "exception",
				Attributes: []*commonpb.KeyValue{s("exception.type", "*url.Error"), s("exception.message", "timeout")}}}
		}
		scopes[n%2].Spans = append(scopes[n%2].Spans, sp)
	}
	return &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{Resource: res, ScopeSpans: scopes}}}
}

// BenchmarkDecodeConvert512 measures protobuf decoding plus conversion to
// the model of one 512-span export request.
func BenchmarkDecodeConvert512(b *testing.B) {
	body, err := proto.Marshal(benchRequest())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			b.Fatal(err)
		}
		spans, rej := otlpconv.SpansFromProto(model.DefaultProject, req.ResourceSpans)
		if len(spans) != benchSpans || rej != nil {
			b.Fatal("conversion failed")
		}
	}
	b.ReportMetric(float64(b.N*benchSpans)/b.Elapsed().Seconds(), "spans/s")
}

// BenchmarkHTTPExport512 measures the whole OTLP/HTTP handler (read, decode,
// convert, submit to a no-op sink, reply) for protobuf and JSON bodies.
func BenchmarkHTTPExport512(b *testing.B) {
	pbBody, _ := proto.Marshal(benchRequest())
	jsBody, err := otlpconv.MarshalJSON(benchRequest())
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(DefaultConfig(), nopSink{})
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name, ct string
		body     []byte
	}{{"protobuf", ctProtobuf, pbBody}, {"json", ctJSON, jsBody}} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.body)))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", PathTraces, bytes.NewReader(tt.body))
				req.Header.Set("Content-Type", tt.ct)
				rec := httptest.NewRecorder()
				r.Handler().ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(b.N*benchSpans)/b.Elapsed().Seconds(), "spans/s")
		})
	}
}
