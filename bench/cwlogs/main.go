// Command cwlogs measures Lookout's CloudWatch Logs API with the
// aws-sdk-go-v2 client against a real lookout binary: PutLogEvents
// throughput with 10,000-event batches from a few goroutines, then
// FilterLogEvents latency (p50/p99) for several pattern kinds, with and
// without a time range, over everything loaded. Results go to BENCHMARKS.md.
//
//	go build -o /tmp/lookout ./cmd/lookout
//	go run ./bench/cwlogs -bin /tmp/lookout -dir /tmp/cwbench -events 10000000
//
// A second run on the same -dir with -events 0 only measures the filters.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"lookout/internal/lookouttest"
)

const group = "bench"

func main() {
	bin := flag.String("bin", "lookout", "lookout binary")
	dir := flag.String("dir", "/tmp/cwbench", "data directory (kept between runs)")
	events := flag.Int("events", 1_000_000, "events to load (0: reuse what -dir holds)")
	batch := flag.Int("batch", 10_000, "events per PutLogEvents call")
	workers := flag.Int("workers", 4, "concurrent PutLogEvents clients, one stream each")
	span := flag.Duration("span", 5*24*time.Hour, "the loaded events spread evenly over this span, ending 10 minutes ago")
	repeats := flag.Int("repeats", 20, "timed FilterLogEvents calls per case, after one warm-up")
	maxLoad := flag.Duration("max-load", 0, "stop loading after this long (0: load every event)")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	t0 := time.Now()
	srv, err := startLookout(*bin, *dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := run(srv, t0, *events, *batch, *workers, *span, *repeats, *maxLoad); err != nil {
		stop(srv)
		log.Fatal(err)
	}
	stop(srv)
}

// stop stops lookout and says what went wrong, if anything.
func stop(srv *lookouttest.Server) {
	if err := srv.Stop(); err != nil {
		fmt.Println("stop lookout:", err)
	}
}

// run loads events (when events > 0) and times the filters.
func run(srv *lookouttest.Server, t0 time.Time, events, batch, workers int, span time.Duration, repeats int, maxLoad time.Duration) error {
	fmt.Printf("lookout up at %s in %s\n", srv.HTTP, time.Since(t0).Round(time.Millisecond))
	client := cwl.New(cwl.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.HTTP),
		Credentials: credentials.NewStaticCredentialsProvider("bench", "bench", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 20
			o.RateLimiter = ratelimit.None
		}),
	})
	ctx := context.Background()
	fmt.Println("load:", loadavg())
	end := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	if events > 0 {
		// A batch of consecutive events must span at most 24 h.
		if limit := time.Duration(int64(24*time.Hour) / int64(batch) * int64(events)); span > limit {
			span = limit
			fmt.Println("span reduced to", span, "so that a batch spans at most 24 h")
		}
		l := loader{client: client, total: events, batch: batch, workers: workers,
			start: end.Add(-span), span: span, maxTime: maxLoad}
		if err := l.run(ctx); err != nil {
			return err
		}
		fmt.Println("load:", loadavg())
	}
	if err := runFilters(ctx, client, repeats); err != nil {
		return err
	}
	fmt.Println("load:", loadavg())
	return nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return string(b[:len(b)-1])
}
