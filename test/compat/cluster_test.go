package compat

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	rollbargo "github.com/rollbar/rollbar-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"

	"lookout/internal/store/clickhouse/chtest"
	"lookout/internal/store/postgres/pgtest"
)

// clusterStores starts a private ClickHouse and PostgreSQL for one test and
// returns the --store and --meta URLs. Without the servers the test skips,
// unless LOOKOUT_TEST_CLUSTER=1 says they must be there.
func clusterStores(t *testing.T) (storeURL, metaURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	unavailable := func(err error) {
		if os.Getenv("LOOKOUT_TEST_CLUSTER") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ch, err := chtest.Start(ctx, chtest.Options{})
	if errors.Is(err, chtest.ErrNoBinary) {
		unavailable(err)
	} else if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Stop() })
	pg, err := pgtest.Start(ctx, pgtest.DefaultConfig())
	if errors.Is(err, pgtest.ErrUnavailable) {
		unavailable(err)
	} else if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	metaURL, err = pg.CreateDatabase(ctx, "lookout")
	if err != nil {
		t.Fatal(err)
	}
	return ch.URL("lookout"), metaURL
}

// TestTwoNodesShareOneCluster runs two lookout nodes on one ClickHouse and
// one PostgreSQL, writes through one with the official SDKs and reads
// through the other at once: a trace, a metric point, a sampling rule,
// error items grouped across both nodes.
func TestTwoNodesShareOneCluster(t *testing.T) {
	storeURL, metaURL := clusterStores(t)
	stores := []string{"--store", storeURL, "--meta", metaURL}
	a := startLookout(t, t.TempDir(), stores...)
	b := startLookout(t, t.TempDir(), stores...)

	t.Run("TraceWrittenThroughAReadThroughB", func(t *testing.T) {
		exp, err := traceExporters[0].make(a)
		if err != nil {
			t.Fatal(err)
		}
		sent := emitTrace(t, exp, "orders-cluster")
		var got otlpTrace
		if code := getJSON(t, b.HTTP+"/api/traces/"+sent.traceID, &got); code != 200 {
			t.Fatalf("GET trace on the other node: status %d", code)
		}
		checkTrace(t, got, sent)
	})

	t.Run("SamplingRuleMadeOnAServedByB", func(t *testing.T) {
		ctx := context.Background()
		rule := samplingRule("cluster-rule", 10, "checkout", "/api/*", 0.25, 3)
		if _, err := xrayClient(a.XRayAPI).CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: rule}); err != nil {
			t.Fatalf("CreateSamplingRule on A: %v", err)
		}
		got, ok := listRules(t, xrayClient(b.XRayAPI))["cluster-rule"]
		if !ok || got.FixedRate != 0.25 || aws.ToString(got.URLPath) != "/api/*" {
			t.Fatalf("rule on B: %+v (found %v)", got, ok)
		}
	})

	t.Run("MetricExportedThroughAReadThroughB", func(t *testing.T) {
		failOnOTelErrors(t)
		ctx := context.Background()
		exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(a.OTLPHTTP+"/v1/metrics"))
		if err != nil {
			t.Fatal(err)
		}
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)),
			sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", "orders-cluster"))))
		orders, err := mp.Meter("compat-cluster").Int64Counter("cluster.orders", metric.WithUnit("{order}"))
		if err != nil {
			t.Fatal(err)
		}
		orders.Add(ctx, 4, metric.WithAttributes(attribute.String("method", "card")))
		if err := mp.Shutdown(ctx); err != nil { // exports, and returns once the export is answered
			t.Fatalf("export to A: %v", err)
		}
		var res struct {
			Points []metricPoint `json:"points"`
		}
		if code := getJSON(t, b.HTTP+"/api/metrics/cluster.orders/points", &res); code != 200 {
			t.Fatalf("points on B: status %d", code)
		}
		if len(res.Points) != 1 || res.Points[0].Value != 4 || res.Points[0].Service != "orders-cluster" ||
			res.Points[0].Attributes["method"] != "card" {
			t.Fatalf("points on B: %+v, want one of 4 from orders-cluster, method card", res.Points)
		}
	})

	t.Run("ErrorsGroupedAcrossNodes", func(t *testing.T) {
		var clientErrs []error
		for _, in := range []*instance{a, b, a, b} {
			c := rollbargo.NewSync("0123456789abcdef0123456789abcdef", "production", "v1", "web", "lookout/test/compat")
			c.SetEndpoint(in.HTTP + "/api/1/item/")
			c.SetLogger(&captureLogger{errs: &clientErrs})
			c.ErrorWithLevel(rollbargo.ERR, findOrder(7))
			c.Close()
		}
		if len(clientErrs) > 0 {
			t.Fatalf("rollbar-go reported errors: %v", clientErrs)
		}
		for _, in := range []*instance{a, b} {
			var items struct {
				Result struct {
					Items []map[string]any `json:"items"`
				} `json:"result"`
			}
			if code := getJSON(t, in.HTTP+"/api/1/items", &items); code != 200 {
				t.Fatalf("items: status %d", code)
			}
			var grouped []map[string]any
			for _, it := range items.Result.Items {
				if title, _ := it["title"].(string); strings.Contains(title, "order 7") {
					grouped = append(grouped, it)
				}
			}
			if len(grouped) != 1 || fmtValue(grouped[0]["total_occurrences"]) != "4" {
				t.Errorf("items for order 7 on %s: %+v, want one item of 4 occurrences", in.HTTP, grouped)
			}
		}
	})
}
