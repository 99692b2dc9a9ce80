package compat

import (
	"context"
	"net/url"
	"slices"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// metricPoint is a point of /api/metrics/{name}/points, the fields read here.
type metricPoint struct {
	Type         string         `json:"type"`
	Temporality  string         `json:"temporality"`
	Service      string         `json:"service"`
	Attributes   map[string]any `json:"attributes"`
	Value        float64        `json:"value"`
	Count        uint64         `json:"count"`
	Sum          float64        `json:"sum"`
	Bounds       []float64      `json:"bounds"`
	BucketCounts []uint64       `json:"bucketCounts"`
}

// failOnOTelErrors makes every error the OTel SDK reports (an export the
// server refused, say) fail the test, until the test ends.
func failOnOTelErrors(t *testing.T) {
	var mu sync.Mutex
	done := false
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			t.Errorf("OTel SDK error: %v", err)
		}
	}))
	t.Cleanup(func() {
		mu.Lock()
		done = true
		mu.Unlock()
	})
}

// TestMetricsRoundTrip exports a counter, an up-down counter, a gauge and a
// histogram with each official OTLP metric exporter (cumulative over HTTP,
// delta over gRPC), in two collections, with zero export errors, and reads
// the totals, counts and buckets back through /api/metrics.
func TestMetricsRoundTrip(t *testing.T) {
	in := startLookout(t, t.TempDir())
	failOnOTelErrors(t)
	exporters := []struct {
		name string
		make func() (sdkmetric.Exporter, error)
	}{
		{"http", func() (sdkmetric.Exporter, error) {
			return otlpmetrichttp.New(context.Background(), otlpmetrichttp.WithEndpointURL(in.OTLPHTTP+"/v1/metrics"))
		}},
		{"grpc-delta-gzip", func() (sdkmetric.Exporter, error) {
			return otlpmetricgrpc.New(context.Background(), otlpmetricgrpc.WithEndpoint(in.OTLPGRPC), otlpmetricgrpc.WithInsecure(),
				otlpmetricgrpc.WithCompressor("gzip"), otlpmetricgrpc.WithTemporalitySelector(sdkmetric.DeltaTemporalitySelector))
		}},
	}
	for _, ec := range exporters {
		t.Run(ec.name, func(t *testing.T) {
			ctx := context.Background()
			exp, err := ec.make()
			if err != nil {
				t.Fatal(err)
			}
			service := "shop-" + ec.name
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)),
				sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", service))))
			m := mp.Meter("compat-metrics")
			orders, err := m.Int64Counter("shop.orders", metric.WithUnit("{order}"), metric.WithDescription("orders placed"))
			if err != nil {
				t.Fatal(err)
			}
			depth, err := m.Int64UpDownCounter("shop.queue.depth")
			if err != nil {
				t.Fatal(err)
			}
			temp, err := m.Float64Gauge("shop.cpu.temp", metric.WithUnit("Cel"))
			if err != nil {
				t.Fatal(err)
			}
			latency, err := m.Float64Histogram("shop.latency", metric.WithUnit("ms"), metric.WithExplicitBucketBoundaries(10, 100))
			if err != nil {
				t.Fatal(err)
			}
			card, cash := metric.WithAttributes(attribute.String("method", "card")), metric.WithAttributes(attribute.String("method", "cash"))
			// Two collections: the first exported by ForceFlush, the
			// second by Shutdown.
			orders.Add(ctx, 3, card)
			orders.Add(ctx, 7, cash)
			depth.Add(ctx, 5)
			temp.Record(ctx, 40.5)
			latency.Record(ctx, 5)
			latency.Record(ctx, 50)
			if err := mp.ForceFlush(ctx); err != nil {
				t.Fatalf("first export: %v", err)
			}
			orders.Add(ctx, 2, card)
			depth.Add(ctx, -2)
			temp.Record(ctx, 41.25)
			latency.Record(ctx, 500)
			latency.Record(ctx, 50)
			if err := mp.Shutdown(ctx); err != nil {
				t.Fatalf("last export: %v", err)
			}

			points := func(name string) []metricPoint {
				t.Helper()
				var res struct {
					Points []metricPoint `json:"points"`
				}
				u := in.HTTP + "/api/metrics/" + url.PathEscape(name) + "/points?" + url.Values{"service": {service}}.Encode()
				if code := getJSON(t, u, &res); code != 200 {
					t.Fatalf("%s points: status %d", name, code)
				}
				if len(res.Points) == 0 {
					t.Fatalf("%s: no points", name)
				}
				return res.Points
			}
			// total is what the points of one series add up to: the last
			// point when cumulative, the sum of all when delta.
			total := func(ps []metricPoint, value func(metricPoint) float64) float64 {
				if ps[len(ps)-1].Temporality == "delta" {
					n := 0.0
					for _, p := range ps {
						n += value(p)
					}
					return n
				}
				return value(ps[len(ps)-1])
			}
			value := func(p metricPoint) float64 { return p.Value }
			byMethod := map[string][]metricPoint{}
			for _, p := range points("shop.orders") {
				if p.Type != "sum" {
					t.Errorf("orders point of type %q", p.Type)
				}
				method, _ := p.Attributes["method"].(string)
				byMethod[method] = append(byMethod[method], p)
			}
			if got := total(byMethod["card"], value); got != 5 {
				t.Errorf("orders by card = %v, want 5 (%+v)", got, byMethod["card"])
			}
			if got := total(byMethod["cash"], value); got != 7 {
				t.Errorf("orders by cash = %v, want 7 (%+v)", got, byMethod["cash"])
			}
			if got := total(points("shop.queue.depth"), value); got != 3 {
				t.Errorf("queue depth = %v, want 3", got)
			}
			if ps := points("shop.cpu.temp"); ps[len(ps)-1].Value != 41.25 || ps[len(ps)-1].Type != "gauge" {
				t.Errorf("temperature: %+v", ps)
			}
			hs := points("shop.latency")
			if got := total(hs, func(p metricPoint) float64 { return float64(p.Count) }); got != 4 {
				t.Errorf("latency count = %v, want 4 (%+v)", got, hs)
			}
			if got := total(hs, func(p metricPoint) float64 { return p.Sum }); got != 605 {
				t.Errorf("latency sum = %v, want 605", got)
			}
			for i, want := range []float64{1, 2, 1} {
				got := total(hs, func(p metricPoint) float64 {
					if len(p.BucketCounts) != 3 || len(p.Bounds) != 2 || p.Bounds[0] != 10 || p.Bounds[1] != 100 {
						t.Fatalf("latency buckets: %+v", p)
					}
					return float64(p.BucketCounts[i])
				})
				if got != want {
					t.Errorf("latency bucket %d = %v, want %v", i, got, want)
				}
			}

			var list struct {
				Metrics []struct {
					Name, Type, Unit, Description, Temporality string
					Monotonic                                  *bool
					Services                                   []string
				} `json:"metrics"`
			}
			if code := getJSON(t, in.HTTP+"/api/metrics", &list); code != 200 {
				t.Fatalf("metrics: status %d", code)
			}
			want := map[string]string{"shop.orders": "sum {order} true", "shop.queue.depth": "sum  false",
				"shop.cpu.temp": "gauge Cel <nil>", "shop.latency": "histogram ms <nil>"}
			for _, m := range list.Metrics {
				w, ok := want[m.Name]
				if !ok || !slices.Contains(m.Services, service) {
					continue
				}
				mono := "<nil>"
				if m.Monotonic != nil {
					mono = map[bool]string{true: "true", false: "false"}[*m.Monotonic]
				}
				if got := m.Type + " " + m.Unit + " " + mono; got != w {
					t.Errorf("metric %s: %q, want %q", m.Name, got, w)
				}
				delete(want, m.Name)
			}
			if len(want) != 0 {
				t.Errorf("metrics of %s not listed: %v", service, want)
			}
		})
	}

	var status struct {
		Streams []struct {
			Kind, Service   string
			StoredRows      int64 `json:"storedRows"`
			AcceptedSinceUp int64 `json:"acceptedSinceStart"`
		} `json:"streams"`
	}
	if code := getJSON(t, in.HTTP+"/api/status", &status); code != 200 {
		t.Fatalf("status: %d", code)
	}
	seen := map[string]bool{}
	for _, s := range status.Streams {
		if s.Kind == "metrics" && s.StoredRows > 0 && s.AcceptedSinceUp == s.StoredRows {
			seen[s.Service] = true
		}
	}
	if !seen["shop-http"] || !seen["shop-grpc-delta-gzip"] {
		t.Errorf("status streams of kind metrics: %+v", status.Streams)
	}
}
