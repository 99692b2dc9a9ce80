// Command profserve runs the lookout server as `lookout serve` does, with Go
// profiling added, because lookout itself exposes no pprof endpoint. It takes
// the serve flags otlpload passes, so it can stand in for the lookout binary:
//
//	go build -o /tmp/profserve ./bench/profserve
//	go run ./bench/otlpload -lookout /tmp/profserve -lookout-args "--cpuprofile /tmp/cpu.pprof"
//	go tool pprof -top /tmp/profserve /tmp/cpu.pprof
//
// Time spent in DuckDB's C++ code called from Go is charged to the Go caller
// (runtime.cgocall under it); DuckDB's own worker threads show as
// _ExternalCode. Use perf for the C++ side.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // served on -pprof-addr only
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	promodel "github.com/prometheus/common/model"

	"lookout/internal/server"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "profserve:", err)
		os.Exit(1)
	}
}

func run() error {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	cfg := server.DefaultConfig()
	fs := flag.NewFlagSet("profserve", flag.ContinueOnError)
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", cfg.HTTPAddr, "HTTP address")
	fs.StringVar(&cfg.OTLP.GRPCAddr, "otlp-grpc-addr", cfg.OTLP.GRPCAddr, "OTLP/gRPC address")
	fs.StringVar(&cfg.OTLP.HTTPAddr, "otlp-http-addr", cfg.OTLP.HTTPAddr, "OTLP/HTTP address")
	fs.StringVar(&cfg.XRayAddr, "xray-addr", cfg.XRayAddr, "X-Ray daemon address (empty: off)")
	fs.IntVar(&cfg.Pipeline.MaxQueuedItems, "max-queued-items", cfg.Pipeline.MaxQueuedItems, "queue bound")
	retention := fs.String("retention", "7d", "retention, e.g. 7d")
	maxDisk := fs.Int64("max-disk", 0, "disk budget in bytes (0: none)")
	fs.String("log-format", "json", "ignored: always json")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run here")
	memProfile := fs.String("memprofile", "", "write a heap profile here at exit")
	pprofAddr := fs.String("pprof-addr", "", "serve net/http/pprof here (e.g. 127.0.0.1:6060)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := promodel.ParseDuration(*retention)
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	cfg.Retention, cfg.MaxDiskBytes = time.Duration(d), *maxDisk
	cfg.Version = "profserve"
	cfg.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))

	if *pprofAddr != "" {
		runtime.SetMutexProfileFraction(100)
		runtime.SetBlockProfileRate(int(time.Millisecond))
		go func() { _ = http.ListenAndServe(*pprofAddr, nil) }()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return err
	}
	runErr := srv.Run(ctx)
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			return err
		}
	}
	return runErr
}
