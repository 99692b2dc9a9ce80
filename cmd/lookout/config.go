package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffyaml"
	promodel "github.com/prometheus/common/model"

	"lookout/internal/diskspace"
	"lookout/internal/identity"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/server"
)

type config struct {
	server    server.Config
	logLevel  slog.Level
	logFormat string
	// heapLimit is the Go runtime's soft memory limit (--heap-limit); 0: none.
	heapLimit int64
}

// parseConfig reads flags, then LOOKOUT_* variables, then the YAML file; a
// flag given on the command line wins over the environment, which wins over
// the file.
func parseConfig(name string, args []string, stderr io.Writer) (config, error) {
	c := config{server: server.DefaultConfig(), heapLimit: 384 << 20}
	s := &c.server
	fs := flag.NewFlagSet("lookout "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.DataDir, "data-dir", s.DataDir, "directory of the embedded stores")
	fs.StringVar(&s.Stores.Store, "store", s.Stores.Store, "telemetry store: empty or duckdb (embedded, in data-dir/store), or clickhouse://HOST:PORT/DB")
	fs.StringVar(&s.Stores.Meta, "meta", s.Stores.Meta, "metadata store: empty or duckdb (embedded, data-dir/meta.duckdb), or postgres://USER@HOST:PORT/DB")
	fs.StringVar(&s.HTTPAddr, "http-addr", s.HTTPAddr, "address of the UI, the JSON API, /metrics and the health checks")
	fs.StringVar(&s.OTLP.GRPCAddr, "otlp-grpc-addr", s.OTLP.GRPCAddr, "OTLP/gRPC listen address (empty: off)")
	fs.StringVar(&s.OTLP.HTTPAddr, "otlp-http-addr", s.OTLP.HTTPAddr, "OTLP/HTTP listen address (empty: off)")
	fs.DurationVar(&s.OTLP.ReadTimeout, "otlp-read-timeout", s.OTLP.ReadTimeout, "time an OTLP/HTTP request body may take to arrive after its headers")
	fs.StringVar(&s.XRayAddr, "xray-addr", s.XRayAddr, "X-Ray daemon address: segments over UDP, the X-Ray API over TCP (empty: off)")
	retention := durationFlag{&s.Retention}
	fs.Var(retention, "retention", "how long data is kept, e.g. 7d, 36h; expiry drops whole days")
	maxDisk := bytesFlag{&s.MaxDiskBytes}
	fs.Var(maxDisk, "max-disk", "disk budget of the store, e.g. 5GB (0: none); the oldest days go first")
	fs.Func("min-free-disk", "free space kept on the data directory's file system, e.g. 256MiB, 2GB or 5% (0: none); below it new writes are refused with a retryable error (default "+s.MinFreeDisk.String()+")",
		func(v string) (err error) { s.MinFreeDisk, err = diskspace.ParseReserve(v); return err })
	fs.DurationVar(&s.RetentionInterval, "retention-interval", s.RetentionInterval, "how often retention and the disk budget are enforced")
	fs.StringVar(&s.Stores.DuckDB.MemoryLimit, "store-memory", s.Stores.DuckDB.MemoryLimit, "memory the embedded store may use for its buffers and queries, e.g. 512MB, 2GB")
	fs.IntVar(&s.Pipeline.MaxQueuedItems, "max-queued-items", s.Pipeline.MaxQueuedItems, "items waiting for a commit before clients are told to retry")
	fs.Var(bytesFlag{&s.Pipeline.MaxQueuedBytes}, "max-queued-bytes", "memory of the encoded items waiting for a commit before clients are told to retry, e.g. 128MiB (0: no bound)")
	fs.Var(bytesFlag{&c.heapLimit}, "heap-limit", "soft limit of the Go runtime's memory (as GOMEMLIMIT, which wins when set), e.g. 384MiB; the embedded store's memory (--store-memory) comes on top (0: none)")
	fs.StringVar(&s.PublicURL, "public-url", "", "the URL browsers reach Lookout at, when a proxy stands in front (https://...: the login cookie is marked Secure)")
	fs.IntVar(&s.Pipeline.MaxSeriesPerMetric, "max-series-per-metric", s.Pipeline.MaxSeriesPerMetric, "series (attribute combinations) a metric may have; points that would start more are refused")
	fs.Func("aws-access-keys", "CloudWatch Logs and X-Ray API access keys, KEYID:SECRET[:PROJECT],... (prefer LOOKOUT_AWS_ACCESS_KEYS; empty: unsigned requests from loopback only)",
		func(v string) (err error) { s.AWSAccessKeys, err = awsjson.ParseAccessKeys(v); return err })
	fs.Func("api-keys", "keys of the UI and JSON API, KEY:PROJECT,... (PROJECT * for every project; prefer LOOKOUT_API_KEYS; empty: loopback clients only)",
		func(v string) (err error) { s.APIKeys, err = identity.ParseKeys(v, true); return err })
	fs.Func("otlp-keys", "OTLP ingest keys, KEY:PROJECT,..., sent as Authorization: Bearer KEY (prefer LOOKOUT_OTLP_KEYS; empty: loopback clients only)",
		func(v string) (err error) { s.OTLPKeys, err = identity.ParseKeys(v, false); return err })
	fs.BoolVar(&s.AllowAnyone, "insecure-allow-anyone", false, "serve clients beyond loopback without credentials wherever none are configured, and listen beyond loopback without any")
	fs.Func("log-level", "debug, info, warn or error", func(v string) error { return c.logLevel.UnmarshalText([]byte(v)) })
	fs.StringVar(&c.logFormat, "log-format", "text", "text or json")
	fs.String("config", "", "optional YAML file with the same keys as the flags (data-dir: ...)")
	err := ff.Parse(fs, args,
		ff.WithEnvVarPrefix("LOOKOUT"),
		ff.WithConfigFileFlag("config"),
		ff.WithConfigFileParser(ffyaml.Parser))
	if err != nil {
		return c, err
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("log-format %q: want text or json", c.logFormat)
	}
	return c, s.Validate()
}

func newLogger(level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// durationFlag accepts Prometheus-style durations, which know days and weeks.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return promodel.Duration(*f.d).String()
}

func (f durationFlag) Set(v string) error {
	d, err := promodel.ParseDuration(v)
	if err != nil {
		return err
	}
	*f.d = time.Duration(d)
	return nil
}

// bytesFlag accepts sizes such as 512MB, 5GB, 2GiB.
type bytesFlag struct{ n *int64 }

func (f bytesFlag) String() string {
	if f.n == nil || *f.n == 0 {
		return "0"
	}
	return humanize.Bytes(uint64(*f.n))
}

func (f bytesFlag) Set(v string) error {
	n, err := humanize.ParseBytes(v)
	if err != nil {
		return err
	}
	*f.n = int64(n)
	return nil
}
