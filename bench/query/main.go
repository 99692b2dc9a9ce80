// Command query measures the query engine: it fills a DuckDB store with
// generated spans over 24 hours (or reuses one filled before), then times
// the queries and prints p50/p99 per query. With -stores
// embedded,cluster it also fills a ClickHouse store on a private server it
// starts with the same spans, and times each query on both stores in turn,
// run by run, so that both see the same load of a shared machine.
//
//	go run ./bench/query -spans 10000000 -dir /tmp/lookout-qbench -repeats 20
//	go run ./bench/query -spans 1000000 -dir /tmp/lookout-qbench-1m -stores embedded,cluster
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/duckdb"
)

func main() {
	spans := flag.Int("spans", 10_000_000, "spans to generate over 24h (skipped when -dir already holds data)")
	dir := flag.String("dir", "/tmp/lookout-qbench", "store directory, reused across runs")
	repeats := flag.Int("repeats", 20, "timed runs per query (after one warm-up)")
	memory := flag.String("memory", "2GB", "DuckDB memory limit")
	only := flag.String("only", "", "run only the queries whose name matches this regular expression")
	stores := flag.String("stores", "embedded", "embedded, or embedded,cluster: also a ClickHouse store the driver starts and fills")
	flag.Parse()
	pick, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "-only:", err)
		os.Exit(2)
	}
	if err := run(*spans, *dir, *repeats, *memory, pick, strings.Contains(*stores, "cluster")); err != nil {
		log.Fatal(err)
	}
}

// day0 is the first of the 24 generated hours.
var day0 = time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)

func run(n int, dir string, repeats int, memory string, pick *regexp.Regexp, cluster bool) error {
	ctx := context.Background()
	cfg := duckdb.DefaultConfig()
	cfg.Dir, cfg.MemoryLimit = dir, memory
	fresh := true
	if _, err := os.Stat(dir + "/parts"); err == nil {
		fresh = false
	}
	st, err := duckdb.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if fresh {
		t0 := time.Now()
		if err := fill(ctx, st, n); err != nil {
			return err
		}
		fmt.Printf("generated %d spans in %s\n", n, time.Since(t0).Round(time.Second))
	}
	stores := []namedStore{{"DuckDB", st}}
	if cluster {
		chs, stop, err := openCluster(ctx, n)
		if err != nil {
			return err
		}
		defer stop()
		stores = append(stores, namedStore{"ClickHouse", chs})
	}
	day := query.Query{Start: day0, End: day0.Add(24 * time.Hour), Granularity: time.Minute}
	count := func(q query.Query) query.Query {
		q.Calculations = []query.Calculation{{Op: query.OpCount}}
		q.Granularity = time.Hour
		return q
	}(day)
	for _, s := range stores {
		cnt, err := s.st.Query(ctx, model.DefaultProject, mustNorm(count))
		if err != nil {
			return err
		}
		fmt.Printf("%s: spans in the 24h window: %v\n", s.name, cnt.Results[0].Values[0])
	}

	agg := day
	agg.Calculations = []query.Calculation{{Op: "P99", Column: query.ColDuration}, {Op: query.OpCount}}
	agg.Breakdowns = []string{query.ColService}
	heat := day
	heat.Calculations = []query.Calculation{{Op: query.OpHeatmap, Column: query.ColDuration}}
	filtered := agg
	filtered.Filters = []query.Filter{{Column: "http.route", Op: query.FilterEq, Values: []any{"/api/orders"}}}
	slow := 250.0
	sel := query.Selection{Start: day0.Add(12 * time.Hour), End: day0.Add(13 * time.Hour), Column: query.ColDuration, Min: &slow}
	bench := []struct {
		name string
		f    func(st store.Querier) error
	}{
		{"P99(duration_ms)+COUNT by service.name, 24h at 1m", func(st store.Querier) error {
			_, err := st.Query(ctx, model.DefaultProject, mustNorm(agg))
			return err
		}},
		{"same, filtered on attribute http.route", func(st store.Querier) error {
			_, err := st.Query(ctx, model.DefaultProject, mustNorm(filtered))
			return err
		}},
		{"HEATMAP(duration_ms), 24h at 1m", func(st store.Querier) error {
			_, err := st.Query(ctx, model.DefaultProject, mustNorm(heat))
			return err
		}},
		{"BubbleUp: 1h × duration_ms >= 250 vs rest of 24h", func(st store.Querier) error {
			_, err := st.BubbleUp(ctx, model.DefaultProject, mustNorm(day), sel)
			return err
		}},
		{"Columns, 24h", func(st store.Querier) error {
			_, err := st.Columns(ctx, model.DefaultProject, query.DatasetAll, query.SourceSpans, day.Start, day.End)
			return err
		}},
	}
	fmt.Printf("%-52s %-10s %10s %10s %10s\n", "query", "store", "p50", "p99", "max")
	for _, b := range bench {
		if !pick.MatchString(b.name) {
			continue
		}
		ds := make([][]time.Duration, len(stores))
		fails := make([]int, len(stores))
		for k := range repeats + 1 { // the first run of each store warms up
			for i, s := range stores {
				t := time.Now()
				if err := b.f(s.st); err != nil {
					// A store's time budget may run out on a busy machine:
					// counted, and the others go on.
					fails[i]++
					log.Printf("%s on %s: %v", b.name, s.name, err)
					continue
				}
				if k > 0 {
					ds[i] = append(ds[i], time.Since(t))
				}
			}
		}
		for i, s := range stores {
			if len(ds[i]) == 0 {
				fmt.Printf("%-52s %-10s every run failed (%d)\n", b.name, s.name, fails[i])
				continue
			}
			slices.Sort(ds[i])
			fmt.Printf("%-52s %-10s %10s %10s %10s %d failed\n", b.name, s.name, pct(ds[i], 0.5), pct(ds[i], 0.99),
				ds[i][len(ds[i])-1].Round(time.Millisecond), fails[i])
		}
	}
	return nil
}

func mustNorm(q query.Query) query.Query {
	if err := q.Normalize(); err != nil {
		panic(err)
	}
	return q
}

// pct is the nearest-rank percentile of sorted durations.
func pct(ds []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(ds))+0.5) - 1
	return ds[max(0, min(i, len(ds)-1))].Round(time.Millisecond)
}

// fill writes n spans spread evenly over the 24 hours, in batches of 50k:
// 10 services, 20 routes, log-normal durations (median 20ms, slower on two
// services and on errors), 2% errors, 5 span attributes and 3 resource ones.
func fill(ctx context.Context, st store.Writer, n int) error {
	r := rand.New(rand.NewPCG(1, 2))
	const batch = 50_000
	services := make([]model.Resource, 10)
	for i := range services {
		services[i] = model.Resource{Attributes: model.Attributes{
			{Key: "service.name", Value: model.StringValue(fmt.Sprintf("svc-%02d", i))},
			{Key: "host.name", Value: model.StringValue(fmt.Sprintf("host-%d", i%4))},
			{Key: "deployment.environment", Value: model.StringValue("prod")},
		}}
	}
	step := int64(24*time.Hour) / int64(n)
	for done := 0; done < n; done += batch {
		b := &model.Batch{Spans: make([]model.Span, 0, batch)}
		for i := done; i < min(n, done+batch); i++ {
			svc := r.IntN(len(services))
			route := r.IntN(20)
			dur := time.Duration(20e6 * expNorm(r))
			if svc >= 8 {
				dur *= 3
			}
			status := model.StatusUnset
			code := int64(200)
			if r.IntN(50) == 0 {
				status, code, dur = model.StatusError, 500, dur+300*time.Millisecond
			}
			start := day0.UnixNano() + int64(i)*step
			var tr model.TraceID
			tr[0], tr[1], tr[2], tr[3], tr[15] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i), 7
			b.Spans = append(b.Spans, model.Span{
				Project: model.DefaultProject, TraceID: tr, SpanID: model.SpanID{1, byte(i >> 16), byte(i >> 8), byte(i)},
				Name: fmt.Sprintf("GET /api/r%02d", route), Kind: model.SpanKindServer,
				StartUnixNano: start, EndUnixNano: start + int64(dur), StatusCode: status, Resource: services[svc],
				Attributes: model.Attributes{
					{Key: "http.method", Value: model.StringValue("GET")},
					{Key: "http.route", Value: model.StringValue([]string{"/api/orders", "/api/cart", "/api/users", "/api/items"}[route%4])},
					{Key: "http.status_code", Value: model.IntValue(code)},
					{Key: "user.tier", Value: model.StringValue([]string{"free", "free", "free", "pro", "enterprise"}[r.IntN(5)])},
					{Key: "region", Value: model.StringValue([]string{"eu-west-1", "us-east-1", "ap-south-1"}[r.IntN(3)])},
				},
			})
		}
		if err := st.Write(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// expNorm is a log-normal variate with median 1 and sigma 0.8.
func expNorm(r *rand.Rand) float64 {
	return math.Exp(0.8 * r.NormFloat64())
}
