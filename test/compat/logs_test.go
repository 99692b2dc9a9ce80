package compat

import (
	"context"
	"net/url"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
)

// TestLogsRoundTrip emits log records with the official log exporters and
// reads them back through /api/logs with each filter.
func TestLogsRoundTrip(t *testing.T) {
	in := startLookout(t, t.TempDir())
	exporters := []struct {
		name string
		make func() (sdklog.Exporter, error)
	}{
		{"http", func() (sdklog.Exporter, error) {
			return otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(in.OTLPHTTP+"/v1/logs"))
		}},
		{"grpc-gzip", func() (sdklog.Exporter, error) {
			return otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(in.OTLPGRPC), otlploggrpc.WithInsecure(),
				otlploggrpc.WithCompressor("gzip"))
		}},
	}
	for i, ec := range exporters {
		t.Run(ec.name, func(t *testing.T) {
			exp, err := ec.make()
			if err != nil {
				t.Fatal(err)
			}
			service := "billing-" + ec.name
			lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)),
				sdklog.WithResource(resource.NewSchemaless(attribute.String("service.name", service))))
			logger := lp.Logger("compat-logs")
			tid := trace.TraceID{0xab, byte(i), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
			ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: tid, SpanID: trace.SpanID{8, 7, 6, 5, 4, 3, 2, 1}, TraceFlags: trace.FlagsSampled}))

			emit := func(ctx context.Context, sev otellog.Severity, body attribute.Value, attrs ...attribute.KeyValue) {
				var r otellog.Record
				r.SetTimestamp(time.Now())
				r.SetSeverity(sev)
				r.SetSeverityText(sev.String())
				r.SetBody(body)
				r.AddAttributes(attrs...)
				logger.Emit(ctx, r)
			}
			emit(context.Background(), otellog.SeverityInfo, attribute.StringValue("invoice 17 created"))
			emit(ctx, otellog.SeverityWarn, attribute.StringValue("payment retry for invoice 17"),
				attribute.ByteSlice("raw", []byte{0, 1, 2}), attribute.Map("customer", attribute.String("id", "c-9"), attribute.Int("tier", 2)),
				attribute.Slice("codes", attribute.IntValue(1), attribute.IntValue(2)), attribute.Float64("amount", 12.5), attribute.Bool("retry", true))
			emit(ctx, otellog.SeverityError, attribute.MapValue(attribute.String("event", "charge failed"), attribute.Int("code", 402)))
			if err := lp.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}

			type logRow struct {
				SeverityNumber int            `json:"severityNumber"`
				SeverityText   string         `json:"severityText"`
				Body           any            `json:"body"`
				Attributes     map[string]any `json:"attributes"`
				TraceID        string         `json:"traceID"`
				SpanID         string         `json:"spanID"`
				Service        string         `json:"service"`
			}
			query := func(params url.Values) []logRow {
				t.Helper()
				var res struct {
					Logs []logRow `json:"logs"`
				}
				if code := getJSON(t, in.HTTP+"/api/logs?"+params.Encode(), &res); code != 200 {
					t.Fatalf("logs %v: status %d", params, code)
				}
				return res.Logs
			}
			if got := query(url.Values{"service": {service}}); len(got) != 3 {
				t.Fatalf("service filter: %d logs, want 3: %+v", len(got), got)
			}
			warnAndUp := query(url.Values{"service": {service}, "severity": {"WARN"}, "order": {"asc"}})
			if len(warnAndUp) != 2 || warnAndUp[0].SeverityText != "WARN" || warnAndUp[1].SeverityNumber != int(otellog.SeverityError) {
				t.Fatalf("severity>=WARN: %+v", warnAndUp)
			}
			w := warnAndUp[0]
			if w.TraceID != tid.String() || w.SpanID != "0807060504030201" || w.Service != service {
				t.Errorf("trace link: %+v", w)
			}
			wantAttrs := map[string]string{
				"raw":      "AAEC",
				"customer": "map[id:c-9 tier:2]",
				"codes":    "[1 2]",
				"amount":   "12.5",
				"retry":    "true",
			}
			for k, want := range wantAttrs {
				if got := fmtValue(w.Attributes[k]); got != want {
					t.Errorf("attribute %s = %s, want %s", k, got, want)
				}
			}
			if got := fmtValue(warnAndUp[1].Body); got != "map[code:402 event:charge failed]" {
				t.Errorf("map body = %s", got)
			}
			if got := query(url.Values{"traceID": {tid.String()}}); len(got) != 2 {
				t.Errorf("traceID filter: %d logs, want 2", len(got))
			}
			if got := query(url.Values{"service": {service}, "q": {"INVOICE 17"}}); len(got) != 2 {
				t.Errorf("text search: %d logs, want 2: %+v", len(got), got)
			}
		})
	}
}
