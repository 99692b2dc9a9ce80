package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/aws/aws-xray-sdk-go/xray"
	"github.com/aws/aws-xray-sdk-go/xraylog"

	"lookout/examples/cruddur"
	"lookout/internal/server"
)

// demoConfig is what `lookout demo` runs: Lookout, the demo backend and
// its traffic.
type demoConfig struct {
	server   server.Config
	dataDir  string // empty: a temporary directory, removed on exit
	tempData bool
	appAddr  string
	rate     float64
	logLevel slog.Level
}

func parseDemoConfig(args []string, stderr io.Writer) (demoConfig, error) {
	c := demoConfig{server: server.DefaultConfig(), appAddr: "127.0.0.1:4567", rate: 5, logLevel: slog.LevelWarn}
	s := &c.server
	fs := flag.NewFlagSet("lookout demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.dataDir, "data-dir", "", "directory of the embedded store (default: a temporary one, removed on exit)")
	fs.StringVar(&s.HTTPAddr, "http-addr", s.HTTPAddr, "UI and API address; a busy port is replaced by a free one, as for every address")
	fs.StringVar(&s.OTLP.GRPCAddr, "otlp-grpc-addr", s.OTLP.GRPCAddr, "OTLP/gRPC listen address (empty: off)")
	fs.StringVar(&s.OTLP.HTTPAddr, "otlp-http-addr", s.OTLP.HTTPAddr, "OTLP/HTTP listen address")
	fs.StringVar(&s.XRayAddr, "xray-addr", s.XRayAddr, "X-Ray daemon address (UDP segments, TCP API)")
	fs.StringVar(&c.appAddr, "app-addr", c.appAddr, "address of the demo backend")
	fs.Float64Var(&c.rate, "rate", c.rate, "requests per second of generated traffic (0: none)")
	fs.Func("log-level", "level of Lookout's own log: debug, info, warn or error (default warn)",
		func(v string) error { return c.logLevel.UnmarshalText([]byte(v)) })
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("lookout demo: unexpected argument %q", fs.Arg(0))
	case s.OTLP.HTTPAddr == "" || s.XRayAddr == "":
		return c, errors.New("lookout demo: the demo's SDKs need --otlp-http-addr and --xray-addr")
	case c.rate < 0:
		return c, errors.New("lookout demo: --rate must not be negative")
	}
	var err error
	for _, a := range []struct {
		addr *string
		udp  bool
	}{{&s.HTTPAddr, false}, {&s.OTLP.GRPCAddr, false}, {&s.OTLP.HTTPAddr, false}, {&s.XRayAddr, true}, {&c.appAddr, false}} {
		if *a.addr, err = pickAddr(*a.addr, a.udp); err != nil {
			return c, err
		}
	}
	return c, nil
}

// runDemo is `lookout demo`: Lookout in this process, the Cruddur backend
// pointed at it by exactly what `lookout env` prints, and traffic, until
// ctx ends; then the traffic stops, the backend sends what its SDKs hold
// and Lookout commits it and stops.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseDemoConfig(args, stderr)
	if err != nil {
		return err
	}
	if c.tempData = c.dataDir == ""; c.tempData {
		if c.dataDir, err = os.MkdirTemp("", "lookout-demo-"); err != nil {
			return err
		}
		defer os.RemoveAll(c.dataDir)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: c.logLevel}))
	c.server.DataDir, c.server.Version, c.server.Logger = c.dataDir, version, log
	env := sdkEnv(c.server)
	appCfg, err := cruddur.ConfigFromEnv(lookupEnv(env))
	if err != nil {
		return err
	}
	appCfg.Addr, appCfg.Logger = c.appAddr, log
	// The X-Ray SDK prefers this variable to the address it is given, and
	// logs to stdout: keep it on this Lookout, and quiet.
	if v := os.Getenv("AWS_XRAY_DAEMON_ADDRESS"); v != "" && v != appCfg.XRayDaemonAddr {
		fmt.Fprintf(stderr, "lookout demo: ignoring AWS_XRAY_DAEMON_ADDRESS=%s, the demo sends to %s\n", v, appCfg.XRayDaemonAddr)
		_ = os.Unsetenv("AWS_XRAY_DAEMON_ADDRESS")
	}
	xray.SetLogger(xraylog.NewDefaultLogger(stderr, xraylog.LogLevelWarn))

	srv, err := server.New(ctx, c.server)
	if err != nil {
		return err
	}
	stopAll := &stopper{}
	defer stopAll.stop()
	srvDone := stopAll.start(ctx, "lookout", srv.Run)
	if _, err := cruddur.CreateSamplingRules(ctx, cruddur.NewXRayClient(appCfg)); err != nil {
		return err
	}
	app, err := cruddur.New(ctx, appCfg)
	if err != nil {
		return err
	}
	appDone := stopAll.start(ctx, "cruddur", app.Run)
	if c.rate > 0 {
		traffic := cruddur.NewTraffic(app.URL())
		stopAll.start(ctx, "traffic", func(ctx context.Context) error { return traffic.Run(ctx, c.rate, nil) })
	}
	printDemoBanner(stdout, c, srv.HTTPAddr(), app.URL())
	var early error
	select {
	case <-ctx.Done():
	case err := <-srvDone:
		early = fmt.Errorf("lookout stopped early: %w", errors.Join(err, errors.New("no error given")))
	case err := <-appDone:
		early = fmt.Errorf("cruddur stopped early: %w", errors.Join(err, errors.New("no error given")))
	}
	fmt.Fprintln(stdout, "stopping: the backend sends what its SDKs hold, then Lookout commits it and closes the store")
	return errors.Join(early, stopAll.stop())
}

// stopper runs parts until stop, which stops them last started first, so
// the traffic ends before the backend and the backend before Lookout.
type stopper struct {
	mu    sync.Mutex
	parts []demoPart
	err   error
}

type demoPart struct {
	name   string
	cancel context.CancelFunc
	done   chan error
}

// start runs run in a context of its own, which stop cancels; the channel
// is closed when run returns.
func (s *stopper) start(ctx context.Context, name string, run func(context.Context) error) <-chan error {
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := demoPart{name: name, cancel: cancel, done: make(chan error, 1)}
	go func() {
		p.done <- run(pctx)
		close(p.done)
	}()
	s.mu.Lock()
	s.parts = append(s.parts, p)
	s.mu.Unlock()
	return p.done
}

// stop ends every part and returns their errors; calling it again returns
// the same.
func (s *stopper) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.parts) - 1; i >= 0; i-- {
		p := s.parts[i]
		p.cancel()
		if err := <-p.done; err != nil {
			s.err = errors.Join(s.err, fmt.Errorf("%s: %w", p.name, err))
		}
	}
	s.parts = nil
	return s.err
}
