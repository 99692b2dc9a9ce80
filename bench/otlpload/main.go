// Command otlpload measures lookout's trace ingestion and queries with the
// official OpenTelemetry Go exporters: it sends realistic traces over OTLP
// (gRPC or HTTP), counts only what the server acknowledged, reads the
// server's own figures (accepted spans, CPU, peak RSS, bytes on disk) and
// times trace-by-id lookups and searches. It prints a Markdown section for
// BENCHMARKS.md.
//
//	go build -o /tmp/lookout ./cmd/lookout
//	go run ./bench/otlpload -lookout /tmp/lookout -spans 1000000
//	go run ./bench/otlpload -lookout /tmp/lookout -data-dir /tmp/d10m -spans 10000000
//	go run ./bench/otlpload -lookout /tmp/lookout -data-dir /tmp/d10m -query-only
//
// Traces replay the last -spread (1h) in order, each up to -lateness late, as
// live traffic arrives; -shuffle scatters them over the window instead.
//
// With -lookout it starts the server itself (all ports 127.0.0.1:0) on a
// fresh or given -data-dir, and stops it with SIGTERM at the end. With
// -endpoint it loads a server already running; pass -api, and -pid and
// -data-dir for the CPU, RSS and disk figures.
//
// With -generator telemetrygen it puts the OpenTelemetry Collector's load
// generator on lookout and on Jaeger v2 with its Badger store, one after the
// other, and prints one table comparing them (see peer.go):
//
//	go run ./bench/otlpload -generator telemetrygen -target lookout,jaeger -lookout /tmp/lookout
//
// telemetrygen and jaeger are found on PATH, in $GOBIN or $GOPATH/bin, or
// given with -telemetrygen and -jaeger; the driver says how to install them.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"lookout/bench/benchkit"
	"lookout/internal/lookouttest"
)

type options struct {
	lookout, lookoutArgs           string
	endpoint, api                  string
	pid                            int
	dataDir                        string
	keep, queryOnly                bool
	protocol, compression          string
	spans, batch, concurrency, spt int
	spread, timeout, lateness      time.Duration
	shuffled                       bool
	maxAttempts                    int
	seed                           uint64
	traceQueries, absentQueries    int
	searchRepeats, warmup, keepIDs int
	title                          string
	generator                      string
	peer                           peerOptions
	stores                         string // embedded, cluster or both, comma separated
	rounds                         int
	cluster                        *clusterRun // this run's cluster databases; nil: the embedded store
}

func main() {
	var o options
	flag.StringVar(&o.lookout, "lookout", "", "lookout binary to start (else -endpoint)")
	flag.StringVar(&o.lookoutArgs, "lookout-args", "", "extra flags for lookout serve, space separated")
	flag.StringVar(&o.endpoint, "endpoint", "", "OTLP endpoint of a running lookout: host:port (grpc) or http://host:port (http)")
	flag.StringVar(&o.api, "api", "http://127.0.0.1:8686", "with -endpoint: base URL of its HTTP port (API, /metrics)")
	flag.IntVar(&o.pid, "pid", 0, "with -endpoint: its process id, for CPU and peak RSS from /proc")
	flag.StringVar(&o.dataDir, "data-dir", "", "the server's data directory (default with -lookout: a fresh temporary one)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary data directory")
	flag.BoolVar(&o.queryOnly, "query-only", false, "send nothing: time queries against what a previous run stored in -data-dir")
	flag.StringVar(&o.protocol, "protocol", "grpc", "grpc (otlptracegrpc) or http (otlptracehttp, protobuf)")
	flag.StringVar(&o.compression, "compression", "none", "none or gzip")
	flag.IntVar(&o.spans, "spans", 1_000_000, "spans to send (rounded down to whole traces; telemetrygen: default 500000)")
	flag.IntVar(&o.batch, "batch", 512, "spans per export (rounded down to whole traces)")
	flag.IntVar(&o.concurrency, "concurrency", 32, "exporters sending at once, each with its own connection")
	flag.IntVar(&o.spt, "spans-per-trace", 10, "spans per trace")
	flag.DurationVar(&o.spread, "spread", time.Hour, "trace starts are spread over this long before now (keep it within the retention)")
	flag.BoolVar(&o.shuffled, "shuffle", false, "start traces at random times of the -spread window (else in order, as live traffic)")
	flag.DurationVar(&o.lateness, "lateness", 10*time.Second, "in-order traces start up to this much earlier than their turn")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Second, "per export attempt")
	flag.IntVar(&o.maxAttempts, "max-attempts", 100, "attempts per batch before it is given up")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed")
	flag.IntVar(&o.traceQueries, "trace-queries", 1000, "trace-by-id lookups of acknowledged traces (telemetrygen: ids, each looked up once; default 100)")
	flag.IntVar(&o.absentQueries, "absent-queries", 50, "trace-by-id lookups of ids never sent")
	flag.IntVar(&o.searchRepeats, "search-repeats", 30, "runs of each search")
	flag.IntVar(&o.warmup, "warmup", 20, "untimed trace lookups before timing")
	flag.IntVar(&o.keepIDs, "keep-ids", 20000, "acknowledged trace ids remembered in the data dir for -query-only")
	flag.StringVar(&o.title, "title", "", "section title")
	flag.StringVar(&o.generator, "generator", "otel", "otel: this driver's exporters; telemetrygen: the Collector's load generator against -target")
	flag.StringVar(&o.peer.targets, "target", "lookout", "with -generator telemetrygen: lookout, jaeger or lookout,jaeger (run in turn)")
	flag.StringVar(&o.peer.telemetrygen, "telemetrygen", "", "telemetrygen binary (default: found on PATH, $GOBIN or $GOPATH/bin)")
	flag.StringVar(&o.peer.jaeger, "jaeger", "", "Jaeger v2 binary (default: found on PATH, $GOBIN or $GOPATH/bin)")
	flag.IntVar(&o.peer.processes, "tg-processes", 2, "telemetrygen processes")
	flag.IntVar(&o.peer.workers, "tg-workers", 4, "workers per telemetrygen process")
	flag.IntVar(&o.peer.queue, "tg-queue", 0, "telemetrygen's span queue (OTEL_BSP_MAX_QUEUE_SIZE): 0 holds a process's every span, "+
		"-1 keeps the SDK default of 2048, which drops spans when the generator outruns its one export at a time")
	flag.StringVar(&o.peer.tgArgs, "tg-args", "", "more telemetrygen flags, space separated")
	flag.BoolVar(&o.peer.jaegerFast, "jaeger-as-shipped", false, "Jaeger with the pipeline of its config-badger.yaml: "+
		"a batch processor that acks before the write, unsynced Badger writes")
	flag.StringVar(&o.stores, "stores", "embedded", "with -lookout: embedded (DuckDB in the data dir), cluster (ClickHouse + PostgreSQL "+
		"the driver starts) or embedded,cluster: one run each, in turn, -rounds times")
	flag.IntVar(&o.rounds, "rounds", 1, "with -stores: how many times to run each store, alternating")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.generator == "telemetrygen" {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["spans"] {
			o.spans = 500_000
		}
		if !set["trace-queries"] {
			o.traceQueries = 100
		}
		if err := runPeers(ctx, o, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	if o.generator != "otel" {
		log.Fatalf("-generator %q: want otel or telemetrygen", o.generator)
	}
	if err := runStores(ctx, o, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) (*report, error) {
	if (o.lookout == "") == (o.endpoint == "") {
		return nil, fmt.Errorf("give exactly one of -lookout and -endpoint")
	}
	if o.queryOnly && o.dataDir == "" {
		return nil, fmt.Errorf("-query-only needs the -data-dir of a previous run")
	}
	if o.spt < 1 || o.batch < 1 || o.concurrency < 1 {
		return nil, fmt.Errorf("-spans-per-trace, -batch and -concurrency must be positive")
	}
	r := &report{Command: "go run ./bench/otlpload " + strings.Join(os.Args[1:], " "), Date: time.Now()}
	if r.Title = o.title; r.Title == "" {
		r.Title = fmt.Sprintf("%s spans, OTLP/%s, %d exporters", group(int64(o.spans)), o.protocol, o.concurrency)
		if o.cluster != nil {
			r.Title += ", ClickHouse + PostgreSQL"
		}
		if o.queryOnly {
			r.Title = "queries on " + o.dataDir
		}
	}

	if o.lookout != "" && o.dataDir == "" {
		d, err := os.MkdirTemp("", "otlpload-")
		if err != nil {
			return nil, err
		}
		o.dataDir = d
		if !o.keep {
			defer os.RemoveAll(d)
		}
	}
	srv := &lookouttest.Server{Pid: o.pid, HTTP: o.api, OTLPGRPC: o.endpoint, OTLPHTTP: o.endpoint}
	if o.lookout != "" {
		var err error
		extra := strings.Fields(o.lookoutArgs)
		if o.cluster != nil {
			args, err := o.cluster.c.Stores(ctx, o.cluster.db)
			if err != nil {
				return nil, err
			}
			extra = append(extra, args...)
		}
		if srv, err = benchkit.Start(o.lookout, o.dataDir, extra...); err != nil {
			return nil, err
		}
		defer srv.Kill() // no-op after a clean stop
		r.Ready = srv.Ready
		log.Printf("lookout pid %d ready in %s: http %s, otlp grpc %s, otlp http %s, data %s",
			srv.Pid, srv.Ready.Round(time.Millisecond), srv.HTTP, srv.OTLPGRPC, srv.OTLPHTTP, o.dataDir)
	}

	var err error
	if o.queryOnly {
		err = queryOnly(o, srv, r)
	} else {
		err = loadAndQuery(ctx, o, srv, r)
	}
	if err != nil {
		return r, err
	}
	if srv.Cmd != nil {
		t0 := time.Now()
		if err := srv.Stop(); err != nil {
			return r, err
		}
		r.Stop = time.Since(t0)
		r.DiskClosed, _, _, _ = benchkit.DiskUsage(o.dataDir, stateFile)
		r.DiskClosed += o.cluster.disk()
	}
	if o.keep || o.queryOnly || o.lookout == "" {
		log.Printf("data directory kept: %s", o.dataDir)
	}
	return r, nil
}

// cpuNow returns the server's CPU seconds: from /proc when its pid is known,
// else from its process_cpu_seconds_total.
func cpuNow(srv *lookouttest.Server, m benchkit.Samples) float64 {
	if srv.Pid > 0 {
		if c, err := benchkit.ProcCPU(srv.Pid); err == nil {
			return c
		}
	}
	return m.Get("process_cpu_seconds_total")
}

func peakRSS(srv *lookouttest.Server) int64 {
	if srv.Pid <= 0 {
		return 0
	}
	v, _ := benchkit.ProcStatus(srv.Pid, "VmHWM")
	return v
}

// driverCPU returns this process's user+system CPU seconds.
func driverCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
