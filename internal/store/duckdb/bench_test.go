package duckdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// benchSpans generates n realistic spans: traces of 8 spans within 100ms, 8
// span attributes, a resource of 6 attributes per service. Traces start
// between start and start+spread, in rough time order, as data arrives.
func benchSpans(rng *rand.Rand, n int, start time.Time, spread time.Duration) []model.Span {
	services := []string{"frontend", "cart", "checkout", "payment", "db-proxy", "search", "auth", "email"}
	routes := []string{"/", "/cart", "/checkout", "/product/{id}", "/api/search", "/login", "/health"}
	spans := make([]model.Span, 0, n)
	resources := map[string]model.Resource{}
	for _, svc := range services {
		resources[svc] = model.Resource{Attributes: model.Attributes{
			{Key: "service.name", Value: model.StringValue(svc)},
			{Key: "service.version", Value: model.StringValue("1.4.2")},
			{Key: "deployment.environment", Value: model.StringValue("prod")},
			{Key: "host.name", Value: model.StringValue("ip-10-0-1-" + fmt.Sprint(len(svc)))},
			{Key: "telemetry.sdk.language", Value: model.StringValue("go")},
			{Key: "telemetry.sdk.version", Value: model.StringValue("1.47.0")},
		}}
	}
	var trace model.TraceID
	var traceStart time.Time
	for i := range n {
		if i%8 == 0 {
			for j := range trace {
				trace[j] = byte(rng.UintN(256))
			}
			traceStart = start.Add(time.Duration(float64(spread) * float64(i) / float64(n)))
		}
		svc := services[rng.IntN(len(services))]
		st := traceStart.Add(time.Duration(rng.Int64N(int64(100 * time.Millisecond))))
		dur := time.Duration(rng.ExpFloat64() * float64(20*time.Millisecond))
		sp := model.Span{
			Project: "default", TraceID: trace, SpanID: model.SpanID{byte(i), byte(i >> 8), byte(i >> 16), 1, 2, 3, 4, byte(rng.UintN(256))},
			Name: "GET " + routes[rng.IntN(len(routes))], Kind: model.SpanKindServer,
			StartUnixNano: st.UnixNano(), EndUnixNano: st.Add(dur).UnixNano(),
			Attributes: model.Attributes{
				{Key: "http.request.method", Value: model.StringValue("GET")},
				{Key: "http.route", Value: model.StringValue(routes[rng.IntN(len(routes))])},
				{Key: "http.response.status_code", Value: model.IntValue(int64([]int{200, 200, 200, 404, 500}[rng.IntN(5)]))},
				{Key: "url.full", Value: model.StringValue(fmt.Sprintf("https://shop.example.com/product/%d?ref=home", rng.IntN(100000)))},
				{Key: "server.address", Value: model.StringValue("shop.example.com")},
				{Key: "user.id", Value: model.IntValue(rng.Int64N(1 << 20))},
				{Key: "net.peer.port", Value: model.IntValue(int64(30000 + rng.IntN(30000)))},
				{Key: "cache.hit", Value: model.BoolValue(rng.IntN(2) == 0)},
			},
			Resource: resources[svc],
			Scope:    model.Scope{Name: "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", Version: "0.72.0"},
		}
		if i%8 != 0 {
			sp.ParentSpanID = spans[i-1].SpanID
		}
		if rng.IntN(50) == 0 {
			sp.StatusCode = model.StatusError
		}
		spans = append(spans, sp)
	}
	return spans
}

func dirBytes(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkWrite measures committed spans per second for two batch sizes,
// and the bytes per span on disk after the store is closed (checkpointed).
func BenchmarkWrite(b *testing.B) {
	for _, size := range []int{512, 5000} {
		b.Run(fmt.Sprint("batch=", size), func(b *testing.B) {
			dir := b.TempDir()
			s := openTest(b, dir)
			rng := rand.New(rand.NewPCG(1, 2))
			pool := benchSpans(rng, 20*size, time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC), 20*time.Hour)
			b.ResetTimer()
			n := 0
			for i := 0; b.Loop(); i++ {
				off := (i % 20) * size
				if err := s.Write(b.Context(), &model.Batch{Spans: pool[off : off+size]}); err != nil {
					b.Fatal(err)
				}
				n += size
			}
			b.StopTimer()
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "spans/s")
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(dirBytes(b, filepath.Join(dir, "parts")))/float64(n), "bytes/span")
		})
	}
}

// The 1M-span data set, generated once per test binary run and shared by the
// read benchmarks.
var bench struct {
	once   sync.Once
	dir    string
	s      *Store
	traces []model.TraceID
	keep   bool
	err    error
}

const benchSpanCount = 1_000_000

func benchData(b *testing.B) (*Store, []model.TraceID) {
	bench.once.Do(func() {
		// LOOKOUT_BENCH_DIR keeps the data set between runs: generated when
		// the directory does not exist yet, reused (and kept) when it does.
		reuse := false
		if d := os.Getenv("LOOKOUT_BENCH_DIR"); d != "" {
			_, err := os.Stat(d)
			reuse = err == nil
			bench.dir, bench.keep = d, true
		} else if bench.dir, bench.err = os.MkdirTemp("", "lookout-bench-"); bench.err != nil {
			return
		}
		cfg := DefaultConfig()
		cfg.Dir = bench.dir
		if bench.s, bench.err = Open(context.Background(), cfg); bench.err != nil {
			return
		}
		rng := rand.New(rand.NewPCG(3, 4))
		start := time.Now()
		// Two days of data: two partitions.
		day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
		const batch = 5000
		slice := 48 * time.Hour / (benchSpanCount / batch)
		for done := 0; done < benchSpanCount; done += batch {
			spans := benchSpans(rng, batch, day.Add(time.Duration(done/batch)*slice), slice)
			for i := 0; i < len(spans); i += 8 * 50 {
				bench.traces = append(bench.traces, spans[i].TraceID)
			}
			if reuse {
				continue
			}
			if bench.err = bench.s.Write(context.Background(), &model.Batch{Spans: spans}); bench.err != nil {
				return
			}
		}
		if !reuse {
			fmt.Fprintf(os.Stderr, "generated %d spans in %v\n", benchSpanCount, time.Since(start).Round(time.Millisecond))
		}
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.s, bench.traces
}

func closeBenchData() {
	if bench.s != nil {
		bench.s.Close()
	}
	if bench.dir != "" && !bench.keep {
		os.RemoveAll(bench.dir)
	}
}

// BenchmarkTraceByID fetches one 8-span trace out of 1M spans.
func BenchmarkTraceByID(b *testing.B) {
	s, traces := benchData(b)
	rng := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		id := traces[rng.IntN(len(traces))]
		spans, err := s.Trace(b.Context(), "default", id)
		if err != nil || len(spans) != 8 {
			b.Fatalf("trace %s: %d spans, %v", id, len(spans), err)
		}
	}
}

// BenchmarkSearchTraces searches 1M spans for error traces of one service in
// a one-hour window.
func BenchmarkSearchTraces(b *testing.B) {
	s, _ := benchData(b)
	q := store.TraceQuery{
		Project: "default", Tags: []store.Tag{{Key: "service.name", Value: "payment"}, {Key: "status", Value: "error"}},
		Start: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC), End: time.Date(2025, 3, 10, 13, 0, 0, 0, time.UTC),
	}
	for b.Loop() {
		if got, err := s.SearchTraces(b.Context(), q); err != nil || len(got) == 0 {
			b.Fatalf("search: %d hits, %v", len(got), err)
		}
	}
}
