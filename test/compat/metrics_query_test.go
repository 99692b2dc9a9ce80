package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// queryRows runs a query specification on a source (spans, logs, metrics)
// of in and returns the data of its result rows.
func queryRows(t *testing.T, in *instance, source, spec string) []map[string]any {
	t.Helper()
	resp, err := http.Post(in.HTTP+"/api/query?source="+source, "application/json", bytes.NewReader([]byte(spec)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("query %s: status %d: %s", spec, resp.StatusCode, body)
	}
	var res struct {
		Results []struct {
			Data map[string]any `json:"data"`
		} `json:"results"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, r := range res.Results {
		out = append(out, r.Data)
	}
	return out
}

// TestMetricsQueryGoSDK exports a counter in two collections and a
// histogram recorded within a span through the Go SDK's OTLP/HTTP exporter
// (cumulative, its default), then reads them back through the metrics
// source: the counter's increase and rate per attribute, the histogram's
// percentiles within their bucket, and the span's trace id on the
// histogram's exemplar.
func TestMetricsQueryGoSDK(t *testing.T) {
	in := startLookout(t, t.TempDir())
	failOnOTelErrors(t)
	ctx := context.Background()
	exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(in.OTLPHTTP+"/v1/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)),
		sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", "go-shop"))))
	m := mp.Meter("compat-metrics-query")
	orders, err := m.Int64Counter("go.orders")
	if err != nil {
		t.Fatal(err)
	}
	latency, err := m.Float64Histogram("go.latency", metric.WithUnit("ms"), metric.WithExplicitBucketBoundaries(10, 100, 1000))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider() // samples every trace; nothing exported
	sctx, span := tp.Tracer("compat").Start(ctx, "checkout")
	web, api := metric.WithAttributes(attribute.String("kind", "web")), metric.WithAttributes(attribute.String("kind", "api"))
	orders.Add(ctx, 20, web)
	orders.Add(ctx, 4, api)
	for v := 20.0; v <= 90; v += 10 { // 8 values in (10, 100]
		latency.Record(sctx, v)
	}
	latency.Record(sctx, 500) // 1 in (100, 1000]
	span.End()
	if err := mp.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	orders.Add(ctx, 10, web) // second collection: the cumulative value is 30
	if err := mp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	rows := queryRows(t, in, "metrics", `{"time_range":3600,"calculations":[{"op":"SUM","column":"go.orders"},{"op":"RATE_SUM","column":"go.orders"}],"breakdowns":["kind"]}`)
	if len(rows) != 2 || rows[0]["kind"] != "web" || rows[0]["SUM(go.orders)"] != 30.0 || rows[1]["kind"] != "api" || rows[1]["SUM(go.orders)"] != 4.0 {
		t.Fatalf("orders by kind: %v, want web 30 and api 4", rows)
	}
	if rate := rows[0]["RATE_SUM(go.orders)"]; rate != 30.0/3600 {
		t.Errorf("web orders rate %v, want 30/3600", rate)
	}
	rows = queryRows(t, in, "metrics", `{"time_range":3600,"calculations":[{"op":"P50","column":"go.latency"},{"op":"P99","column":"go.latency"},{"op":"AVG","column":"go.latency"}]}`)
	p50, _ := rows[0]["P50(go.latency)"].(float64)
	p99, _ := rows[0]["P99(go.latency)"].(float64)
	if len(rows) != 1 || p50 <= 10 || p50 > 100 || p99 <= 100 || p99 > 500 || rows[0]["AVG(go.latency)"] != 940.0/9 {
		t.Errorf("latency: %v, want P50 in (10, 100] (true 60), P99 in (100, 500], AVG 940/9", rows)
	}

	var points struct {
		Points []struct {
			Exemplars []struct {
				TraceID string `json:"traceId"`
			} `json:"exemplars"`
		} `json:"points"`
	}
	if code := getJSON(t, in.HTTP+"/api/metrics/"+url.PathEscape("go.latency")+"/points", &points); code != 200 || len(points.Points) == 0 {
		t.Fatalf("latency points: status %d, %+v", code, points)
	}
	want := span.SpanContext().TraceID().String()
	if ex := points.Points[0].Exemplars; len(ex) == 0 || ex[0].TraceID != want {
		t.Errorf("exemplars %+v, want trace %s", ex, want)
	}
}
