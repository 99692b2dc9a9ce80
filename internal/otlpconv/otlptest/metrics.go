package otlptest

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
)

// MetricPointCount is how many data points EmitMetrics produces.
const MetricPointCount = 7

// ExemplarTraceID and ExemplarSpanID are the sampled span the histogram's
// measurements are recorded in, so its exemplars link to it.
var (
	ExemplarTraceID = trace.TraceID{0x55, 15: 0x66}
	ExemplarSpanID  = trace.SpanID{0x77, 7: 0x88}
)

// EmitMetrics records measurements on one instrument of every kind through
// a real MeterProvider (cumulative temporality, the SDK's default) and
// exports them with exp in one collection on shutdown. CheckMetrics
// describes the points.
func EmitMetrics(ctx context.Context, exp sdkmetric.Exporter) error {
	res := resource.NewWithAttributes(ResourceSchemaURL, resourceAttrs()...)
	expView := sdkmetric.NewView(sdkmetric.Instrument{Name: "payload.size"},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationBase2ExponentialHistogram{MaxSize: 160, MaxScale: 20}})
	mp := sdkmetric.NewMeterProvider(
		sdkmetric.WithResource(res),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour))),
		sdkmetric.WithView(expView),
	)
	m := mp.Meter(ScopeName, metric.WithInstrumentationVersion(ScopeVersion), metric.WithSchemaURL(ScopeSchemaURL),
		metric.WithInstrumentationAttributes(attribute.String("scope.attr", "s")))
	other := mp.Meter(OtherScopeName)

	orders, err := m.Int64Counter("orders", metric.WithUnit("{order}"), metric.WithDescription("orders placed"))
	if err != nil {
		return err
	}
	card, cash := metric.WithAttributes(attribute.String("method", "card")), metric.WithAttributes(attribute.String("method", "cash"))
	orders.Add(ctx, 3, card)
	orders.Add(ctx, 2, card)
	orders.Add(ctx, 7, cash)

	depth, err := m.Float64UpDownCounter("queue.depth")
	if err != nil {
		return err
	}
	depth.Add(ctx, 4.5)
	depth.Add(ctx, -1.25)

	temp, err := m.Float64Gauge("temperature", metric.WithUnit("Cel"))
	if err != nil {
		return err
	}
	temp.Record(ctx, 21.5, metric.WithAttributes(AllKinds()...))
	temp.Record(ctx, 22.25, metric.WithAttributes(AllKinds()...))

	latency, err := m.Float64Histogram("latency", metric.WithUnit("ms"), metric.WithExplicitBucketBoundaries(10, 100, 1000))
	if err != nil {
		return err
	}
	sctx := trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: ExemplarTraceID, SpanID: ExemplarSpanID, TraceFlags: trace.FlagsSampled}))
	for _, v := range []float64{5, 50, 50, 500, 5000} {
		latency.Record(sctx, v)
	}

	size, err := m.Int64Histogram("payload.size", metric.WithUnit("By"))
	if err != nil {
		return err
	}
	for _, v := range []int64{1, 2, 4, 1024} {
		size.Record(ctx, v)
	}

	if _, err := other.Int64ObservableGauge("process.threads", metric.WithInt64Callback(
		func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(12)
			return nil
		})); err != nil {
		return err
	}
	return mp.Shutdown(ctx)
}
