package cruddur

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// telemetry is one service's OpenTelemetry SDK: spans and log records
// exported over OTLP/HTTP, W3C trace context propagated. Each service has
// its own providers, as it would in its own process; nothing is set
// globally.
type telemetry struct {
	service string
	tp      *sdktrace.TracerProvider
	lp      *sdklog.LoggerProvider
	props   propagation.TextMapPropagator
}

func newTelemetry(ctx context.Context, c Config, service string) (*telemetry, error) {
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(service), semconv.ServiceVersion(c.Version),
		semconv.DeploymentEnvironmentNameKey.String(c.Environment)))
	if err != nil {
		return nil, fmt.Errorf("otel resource: %w", err)
	}
	base := strings.TrimRight(c.OTLPEndpoint, "/")
	texp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(base+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	lexp, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(base+"/v1/logs"))
	if err != nil {
		return nil, fmt.Errorf("otlp log exporter: %w", err)
	}
	return &telemetry{
		service: service,
		tp: sdktrace.NewTracerProvider(sdktrace.WithResource(res),
			sdktrace.WithBatcher(texp, sdktrace.WithBatchTimeout(c.ExportInterval))),
		lp: sdklog.NewLoggerProvider(sdklog.WithResource(res),
			sdklog.WithProcessor(sdklog.NewBatchProcessor(lexp, sdklog.WithExportInterval(c.ExportInterval)))),
		props: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
}

func (t *telemetry) tracer() trace.Tracer { return t.tp.Tracer("lookout/examples/cruddur") }

// logHandler bridges log/slog records to OTel log records; a record logged
// with a request's context carries its trace and span ids.
func (t *telemetry) logHandler() *otelslog.Handler {
	return otelslog.NewHandler("lookout/examples/cruddur", otelslog.WithLoggerProvider(t.lp))
}

// serverHandler starts a SERVER span per request; the span is named after
// the route pattern the mux matched (and http.route set), so it wraps each
// route rather than the mux.
func (t *telemetry) serverHandler(h http.Handler, route string) http.Handler {
	return otelhttp.NewHandler(h, route, otelhttp.WithTracerProvider(t.tp), otelhttp.WithPropagators(t.props))
}

// transport makes a CLIENT span per call and sends W3C traceparent.
func (t *telemetry) transport(base http.RoundTripper) http.RoundTripper {
	return otelhttp.NewTransport(base, otelhttp.WithTracerProvider(t.tp), otelhttp.WithPropagators(t.props))
}

// shutdown exports what is buffered.
func (t *telemetry) shutdown(ctx context.Context) error {
	return errors.Join(t.tp.Shutdown(ctx), t.lp.Shutdown(ctx))
}
