package compat

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

type exporterCase struct {
	name string
	make func(in *instance) (sdktrace.SpanExporter, error)
}

var traceExporters = []exporterCase{
	{"grpc", func(in *instance) (sdktrace.SpanExporter, error) {
		return otlptracegrpc.New(context.Background(), otlptracegrpc.WithEndpoint(in.OTLPGRPC), otlptracegrpc.WithInsecure())
	}},
	{"grpc-gzip", func(in *instance) (sdktrace.SpanExporter, error) {
		return otlptracegrpc.New(context.Background(), otlptracegrpc.WithEndpoint(in.OTLPGRPC), otlptracegrpc.WithInsecure(),
			otlptracegrpc.WithCompressor("gzip"))
	}},
	{"http-protobuf", func(in *instance) (sdktrace.SpanExporter, error) {
		return otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"))
	}},
	{"http-gzip", func(in *instance) (sdktrace.SpanExporter, error) {
		return otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(in.OTLPHTTP+"/v1/traces"),
			otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
	}},
}

// sentTrace is what emitTrace produced, to compare with what comes back.
type sentTrace struct {
	traceID, rootID, childID, linkedTrace string
	service                               string
}

// emitTrace records a two-span trace through the real SDK and exports it.
func emitTrace(t *testing.T, exp sdktrace.SpanExporter, service string) sentTrace {
	t.Helper()
	ctx := context.Background()
	res := resource.NewSchemaless(attribute.String("service.name", service), attribute.String("deployment.environment", "test"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res),
		sdktrace.WithSpanLimits(sdktrace.SpanLimits{AttributeCountLimit: 12, EventCountLimit: 128, LinkCountLimit: 128,
			AttributePerEventCountLimit: 128, AttributePerLinkCountLimit: 128, AttributeValueLengthLimit: -1}))
	defer tp.Shutdown(ctx)
	tracer := tp.Tracer("compat", trace.WithInstrumentationVersion("1.2.3"),
		trace.WithInstrumentationAttributes(attribute.String("scope.attr", "s")))

	// A remote parent carries the trace state, as a propagated request would.
	ts, _ := trace.ParseTraceState("vendor=abc,other=1")
	parent := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, byte(crc32.ChecksumIEEE([]byte(service))), 0x36},
		SpanID:  trace.SpanID{0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}, TraceFlags: trace.FlagsSampled,
		TraceState: ts, Remote: true,
	})
	linked := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:  trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8},
	})
	ctx = trace.ContextWithRemoteSpanContext(ctx, parent)
	ctx, root := tracer.Start(ctx, "GET /orders/{id}", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithLinks(trace.Link{SpanContext: linked, Attributes: []attribute.KeyValue{attribute.String("link.kind", "retry")}}))
	root.SetAttributes(
		attribute.String("http.route", "/orders/{id}"),
		attribute.Int("http.response.status_code", 500),
		attribute.Bool("cache.hit", false),
		attribute.Float64("load", 0.75),
		attribute.StringSlice("tags", []string{"a", "b"}),
		attribute.Int64Slice("ids", []int64{1, -2, 9007199254740993}),
		attribute.BoolSlice("flags", []bool{true, false}),
		attribute.Float64Slice("ratios", []float64{0.5, 1.5}),
		attribute.ByteSlice("raw", []byte{0xde, 0xad}),
		attribute.Map("user", attribute.String("id", "u-7"), attribute.Slice("roles", attribute.StringValue("admin"))),
	)
	for i := range 4 { // 10 above + 4 = 14 > limit 12: the SDK drops 2 and says so
		root.SetAttributes(attribute.Int(fmt.Sprintf("extra.%d", i), i))
	}
	root.AddEvent("cache miss", trace.WithAttributes(attribute.String("key", "order:42")))
	_, child := tracer.Start(ctx, "SELECT orders", trace.WithSpanKind(trace.SpanKindClient))
	child.SetAttributes(attribute.String("db.system", "postgresql"))
	time.Sleep(2 * time.Millisecond)
	child.End()
	root.RecordError(errors.New("order store unavailable"))
	root.SetStatus(codes.Error, "boom")
	root.End()
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return sentTrace{
		traceID: root.SpanContext().TraceID().String(), rootID: root.SpanContext().SpanID().String(),
		childID: child.SpanContext().SpanID().String(), linkedTrace: linked.TraceID().String(), service: service,
	}
}

// TestTracesRoundTrip sends a trace with each official Go exporter and reads
// it back through the Tempo-shaped API with every field intact.
func TestTracesRoundTrip(t *testing.T) {
	in := startLookout(t, t.TempDir())
	for _, ec := range traceExporters {
		t.Run(ec.name, func(t *testing.T) {
			exp, err := ec.make(in)
			if err != nil {
				t.Fatal(err)
			}
			sent := emitTrace(t, exp, "orders-"+ec.name)

			var got otlpTrace
			if code := getJSON(t, in.HTTP+"/api/traces/"+sent.traceID, &got); code != 200 {
				t.Fatalf("GET trace: status %d", code)
			}
			checkTrace(t, got, sent)

			var search struct {
				Traces []struct {
					TraceID         string `json:"traceID"`
					RootServiceName string `json:"rootServiceName"`
					RootTraceName   string `json:"rootTraceName"`
				} `json:"traces"`
			}
			q := url.Values{"tags": {"service.name=" + sent.service + " http.route=/orders/{id}"}, "minDuration": {"1ms"}}
			if code := getJSON(t, in.HTTP+"/api/search?"+q.Encode(), &search); code != 200 {
				t.Fatalf("search: status %d", code)
			}
			if len(search.Traces) != 1 || search.Traces[0].TraceID != sent.traceID ||
				search.Traces[0].RootServiceName != sent.service || search.Traces[0].RootTraceName != "GET /orders/{id}" {
				t.Errorf("search = %+v, want the one trace %s", search.Traces, sent.traceID)
			}
			q.Set("tags", "service.name="+sent.service+" db.system=mysql")
			search.Traces = nil
			getJSON(t, in.HTTP+"/api/search?"+q.Encode(), &search)
			if len(search.Traces) != 0 {
				t.Errorf("search with a non-matching tag found %+v", search.Traces)
			}
		})
	}
	var services struct {
		Services []struct {
			Name      string `json:"name"`
			SpanCount int64  `json:"spanCount"`
		} `json:"services"`
	}
	getJSON(t, in.HTTP+"/api/services", &services)
	found := 0
	for _, s := range services.Services {
		if strings.HasPrefix(s.Name, "orders-") {
			found++
			if s.SpanCount != 2 {
				t.Errorf("service %s has %d spans, want 2", s.Name, s.SpanCount)
			}
		}
	}
	if found != len(traceExporters) {
		t.Errorf("services = %+v, want %d orders-* services", services.Services, len(traceExporters))
	}
	if code := getJSON(t, in.HTTP+"/api/traces/0123456789abcdef0123456789abcdef", nil); code != 404 {
		t.Errorf("unknown trace: status %d, want 404", code)
	}
}
