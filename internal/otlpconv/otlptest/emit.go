// Package otlptest drives the real OpenTelemetry Go SDK to produce a fixed,
// feature-rich set of spans and log records, and checks that a receiver turned
// them into the expected model values. Tests of the OTLP receivers and of the
// captured payloads in testdata share it.
package otlptest

import (
	"context"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Fixed values the emitted data carries, for assertions.
const (
	Service           = "checkout"
	ResourceSchemaURL = "https://opentelemetry.io/schemas/1.26.0"
	ScopeName         = "lookout/otlptest"
	ScopeVersion      = "1.2.3"
	ScopeSchemaURL    = "https://opentelemetry.io/schemas/1.27.0"
	OtherScopeName    = "lookout/otlptest/db"
	TraceState        = "vendor=abc,other=xyz"
)

// Start is the start time of the first span; everything else follows it.
var Start = time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.UTC)

// SpanCount and LogCount are how many items EmitTraces and EmitLogs produce.
const (
	SpanCount = 6
	LogCount  = 5
)

// resourceAttrs hold one attribute of every kind the SDK can send.
func resourceAttrs() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("service.name", Service),
		attribute.String("deployment.environment.name", "test"),
		attribute.Int64("host.cpus", 8),
	}
}

// AllKinds is one attribute of every value kind, in this order.
func AllKinds() []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("str", "hello"),
		attribute.Bool("bool", true),
		attribute.Int64("int", -42),
		attribute.Float64("double", 3.25),
		attribute.ByteSlice("bytes", []byte{0, 1, 0xfe}),
		attribute.StringSlice("strs", []string{"a", "b"}),
		attribute.Int64Slice("ints", []int64{1, 2}),
		attribute.Slice("mixed", attribute.StringValue("x"), attribute.Int64Value(7)),
		attribute.Map("map", attribute.String("k", "v"), attribute.Bool("nested.bool", false)),
		{Key: "empty"},
	}
}

// seqIDs hands out predictable ids: trace ids 0x01…, span ids counting from 1.
type seqIDs struct{ n atomic.Uint64 }

func (g *seqIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	var t trace.TraceID
	t[0], t[15] = 0x01, byte(g.n.Load()+1)
	return t, g.NewSpanID(context.Background(), t)
}

func (g *seqIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	var s trace.SpanID
	binary.BigEndian.PutUint64(s[:], g.n.Add(1))
	return s
}

// EmitTraces records SpanCount spans through a real TracerProvider and exports
// them with exp in one batch on shutdown (the SDK groups them by scope in an
// unspecified order). CheckTraces describes them.
func EmitTraces(ctx context.Context, exp sdktrace.SpanExporter) error {
	res := resource.NewWithAttributes(ResourceSchemaURL, resourceAttrs()...)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithResource(res),
		sdktrace.WithIDGenerator(&seqIDs{}),
		sdktrace.WithBatcher(exp, sdktrace.WithMaxExportBatchSize(100), sdktrace.WithBatchTimeout(time.Hour)),
	)
	tr := tp.Tracer(ScopeName, trace.WithInstrumentationVersion(ScopeVersion), trace.WithSchemaURL(ScopeSchemaURL),
		trace.WithInstrumentationAttributes(attribute.String("scope.attr", "s")))
	db := tp.Tracer(OtherScopeName)
	at := func(ms int) time.Time { return Start.Add(time.Duration(ms) * time.Millisecond) }

	rctx, root := tr.Start(ctx, "GET /cart", trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(at(0)),
		trace.WithAttributes(AllKinds()...))
	root.AddEvent("cache.miss", trace.WithTimestamp(at(1)), trace.WithAttributes(attribute.String("cache.key", "cart:1")))
	root.SetStatus(codes.Ok, "")
	_, q := db.Start(rctx, "db.query", trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(at(2)),
		trace.WithAttributes(attribute.String("db.system", "postgresql")))
	q.End(trace.WithTimestamp(at(5)))
	_, pub := tr.Start(rctx, "publish", trace.WithSpanKind(trace.SpanKindProducer), trace.WithTimestamp(at(6)))
	pub.RecordError(errors.New("broker down"), trace.WithTimestamp(at(7)))
	pub.SetStatus(codes.Error, "boom")
	pub.End(trace.WithTimestamp(at(8)))
	root.End(trace.WithTimestamp(at(10)))

	linked := root.SpanContext()
	cctx, cons := tr.Start(ctx, "consume", trace.WithNewRoot(), trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithTimestamp(at(20)),
		trace.WithLinks(trace.Link{SpanContext: linked, Attributes: []attribute.KeyValue{attribute.String("link.kind", "follows")}}))
	_, in := tr.Start(cctx, "internal", trace.WithTimestamp(at(21)))
	in.End(trace.WithTimestamp(at(22)))
	cons.End(trace.WithTimestamp(at(30)))

	ts, err := trace.ParseTraceState(TraceState)
	if err != nil {
		return err
	}
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0xab, 15: 0xcd}, SpanID: trace.SpanID{0xee, 7: 0xff},
		TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: true,
	})
	_, rc := tr.Start(trace.ContextWithRemoteSpanContext(ctx, remote), "remote-child",
		trace.WithSpanKind(trace.SpanKindServer), trace.WithTimestamp(at(40)))
	rc.End(trace.WithTimestamp(at(41)))

	return tp.Shutdown(ctx)
}

// LogTraceID and LogSpanID are the trace context of log record 0.
var (
	LogTraceID = trace.TraceID{0x11, 15: 0x22}
	LogSpanID  = trace.SpanID{0x33, 7: 0x44}
)

// EmitLogs records LogCount log records through a real LoggerProvider and
// exports them with exp in one batch on shutdown. CheckLogs describes them.
func EmitLogs(ctx context.Context, exp sdklog.Exporter) error {
	res := resource.NewWithAttributes(ResourceSchemaURL, resourceAttrs()...)
	lp := sdklog.NewLoggerProvider(
		sdklog.WithResource(res),
		sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, sdklog.WithExportInterval(time.Hour))),
	)
	lg := lp.Logger(ScopeName, otellog.WithInstrumentationVersion(ScopeVersion), otellog.WithSchemaURL(ScopeSchemaURL),
		otellog.WithInstrumentationAttributes(attribute.String("scope.attr", "s")))
	other := lp.Logger(OtherScopeName)
	at := func(ms int) time.Time { return Start.Add(time.Duration(ms) * time.Millisecond) }

	emit := func(l otellog.Logger, c context.Context, ms int, sev otellog.Severity, text string, body attribute.Value,
		event string, attrs ...attribute.KeyValue) {
		var r otellog.Record
		if ms >= 0 {
			r.SetTimestamp(at(ms))
		}
		r.SetObservedTimestamp(at(ms + 1000))
		r.SetSeverity(sev)
		r.SetSeverityText(text)
		r.SetBody(body)
		r.SetEventName(event)
		r.AddAttributes(attrs...)
		l.Emit(c, r)
	}
	tctx := trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: LogTraceID, SpanID: LogSpanID, TraceFlags: trace.FlagsSampled,
	}))
	emit(lg, tctx, 0, otellog.SeverityInfo, "info", attribute.StringValue("user logged in"), "", AllKinds()...)
	emit(lg, ctx, 1, otellog.SeverityError, "ERROR",
		attribute.MapValue(attribute.String("order", "o-1"), attribute.Int64("items", 3)), "checkout.failed")
	emit(lg, ctx, 2, otellog.SeverityDebug, "", attribute.ByteSliceValue([]byte("raw\x00bytes")), "")
	emit(lg, ctx, -1, otellog.SeverityWarn, "", attribute.SliceValue(attribute.StringValue("a"), attribute.BoolValue(true)), "")
	emit(other, ctx, 4, 0, "", attribute.Value{}, "", attribute.String("only", "one"))
	return lp.Shutdown(ctx)
}
