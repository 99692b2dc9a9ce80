package compat

import (
	"context"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// exportCounter adds value to a counter of service, method=card, with the
// official OTLP/HTTP metric exporter through in, and returns once the
// export is answered.
func exportCounter(t *testing.T, in *instance, name, service string, value int64) {
	t.Helper()
	failOnOTelErrors(t)
	ctx := context.Background()
	exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(in.OTLPHTTP+"/v1/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)),
		sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", service))))
	c, err := mp.Meter("compat-cluster").Int64Counter(name, metric.WithUnit("{order}"))
	if err != nil {
		t.Fatal(err)
	}
	c.Add(ctx, value, metric.WithAttributes(attribute.String("method", "card")))
	if err := mp.Shutdown(ctx); err != nil { // exports, and returns once the export is answered
		t.Fatalf("export to %s: %v", in.HTTP, err)
	}
}

// checkCounter reads the one point of a counter exportCounter sent.
func checkCounter(t *testing.T, in *instance, name, service string, value float64) {
	t.Helper()
	var res struct {
		Points []metricPoint `json:"points"`
	}
	if code := getJSON(t, in.HTTP+"/api/metrics/"+url.PathEscape(name)+"/points", &res); code != 200 {
		t.Fatalf("points of %s on %s: status %d", name, in.HTTP, code)
	}
	if len(res.Points) != 1 || res.Points[0].Value != value || res.Points[0].Service != service ||
		res.Points[0].Attributes["method"] != "card" {
		t.Fatalf("points of %s on %s: %+v, want one of %v from %s, method card", name, in.HTTP, res.Points, value, service)
	}
}

// lookoutCommand runs the lookout binary with args and returns its output.
func lookoutCommand(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(lookoutBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("lookout %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
