// Package server assembles Lookout from its parts: the store, the pipeline,
// the receivers, retention and the HTTP surface. It holds no protocol or
// storage logic of its own.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lookout/internal/api"
	"lookout/internal/errortrack"
	"lookout/internal/logsearch"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/cwlogs"
	"lookout/internal/receiver/otlp"
	"lookout/internal/receiver/rollbar"
	"lookout/internal/receiver/xray"
	"lookout/internal/retention"
	"lookout/internal/store/duckdb"
	"lookout/internal/store/metaduck"
	"lookout/internal/tally"
	"lookout/internal/tracelint"
	"lookout/ui"
)

// Config is the whole program's configuration.
type Config struct {
	DataDir      string
	HTTPAddr     string
	Retention    time.Duration
	MaxDiskBytes int64
	// RetentionInterval is how often retention and the disk budget are enforced.
	RetentionInterval time.Duration

	// XRayAddr is where the X-Ray daemon protocol is served: segments over
	// UDP and the X-Ray API over TCP, on the same address as the daemon
	// does. Empty: off.
	XRayAddr string

	OTLP     otlp.Config
	XRay     xray.Config
	Pipeline pipeline.Config
	// Store configures the embedded store; its Dir is DataDir/store.
	Store duckdb.Config

	// AWSAccessKeys verify SigV4 on the CloudWatch Logs API and pick each
	// request's project; empty: unsigned requests from loopback only.
	AWSAccessKeys map[string]cwlogs.AccessKey

	Version string
	Logger  *slog.Logger
}

// DefaultConfig listens on loopback only, on the ports users expect.
func DefaultConfig() Config {
	return Config{
		DataDir:           "lookout-data",
		HTTPAddr:          "127.0.0.1:8686",
		Retention:         7 * 24 * time.Hour,
		MaxDiskBytes:      5 << 30,
		RetentionInterval: time.Minute,
		XRayAddr:          "127.0.0.1:2000",
		OTLP:              otlpDefaults(),
		XRay:              xray.DefaultConfig(),
		Pipeline:          pipeline.DefaultConfig(),
		Store:             duckdb.DefaultConfig(),
	}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	switch {
	case c.DataDir == "":
		return errors.New("data-dir must be set")
	case c.HTTPAddr == "":
		return errors.New("http-addr must be set")
	case c.Retention < time.Hour:
		return fmt.Errorf("retention %s: must be at least 1h", c.Retention)
	case c.MaxDiskBytes < 0:
		return errors.New("max-disk must not be negative")
	}
	st := c.Store
	st.Dir = filepath.Join(c.DataDir, "store")
	if err := st.Validate(); err != nil {
		return err
	}
	return c.OTLP.Validate()
}

// Server is a running Lookout.
type Server struct {
	cfg       Config
	log       *slog.Logger
	store     *duckdb.Store
	meta      *metaduck.Store
	pipeline  *pipeline.Pipeline
	tracker   *errortrack.Service
	retention *retention.Enforcer
	groupRet  *retention.LogGroups
	logsearch *logsearch.Service
	occExpiry *retention.OccurrenceExpirer
	otlp      *otlp.Receiver
	xray      *xray.Receiver
	rollbar   *rollbar.Receiver
	cwlogs    *cwlogs.Handler
	http      *http.Server
	httpLn    net.Listener
	xrayAPI   *http.Server
	xrayLn    net.Listener
	ready     atomic.Bool
}

// New opens the store and binds every listener, so that addresses are known
// (and port conflicts reported) before Run.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	dcfg := cfg.Store
	dcfg.Dir = filepath.Join(cfg.DataDir, "store")
	st, err := duckdb.Open(ctx, dcfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.store = st
	fail := func(err error) (*Server, error) {
		s.closeAll()
		return nil, err
	}

	if s.meta, err = metaduck.Open(ctx, metaduck.Config{Path: filepath.Join(cfg.DataDir, "meta.duckdb")}); err != nil {
		return fail(fmt.Errorf("open metadata store: %w", err))
	}

	tl := tally.New(nil)
	pcfg := cfg.Pipeline
	pcfg.Retention, pcfg.Registerer, pcfg.Logger, pcfg.Tally = cfg.Retention, reg, s.log, tl
	if s.pipeline, err = pipeline.New(pcfg, st); err != nil {
		return fail(err)
	}
	rcfg := retention.DefaultConfig()
	rcfg.Retention, rcfg.MaxDiskBytes, rcfg.Interval = cfg.Retention, cfg.MaxDiskBytes, cfg.RetentionInterval
	rcfg.Registerer, rcfg.Logger = reg, s.log
	if s.retention, err = retention.New(rcfg, st); err != nil {
		return fail(err)
	}
	ocfg := cfg.OTLP
	ocfg.Logger, ocfg.Observer, ocfg.Registerer = s.log, s.pipeline, reg
	if s.otlp, err = otlp.New(ocfg, s.pipeline); err != nil {
		return fail(err)
	}
	if err := s.otlp.Start(ctx); err != nil {
		return fail(err)
	}

	xcfg := cfg.XRay
	xcfg.UDPAddr, xcfg.Registerer, xcfg.Logger = cfg.XRayAddr, reg, s.log
	if s.xray, err = xray.New(xcfg, s.pipeline); err != nil {
		return fail(err)
	}
	if err := s.xray.Listen(); err != nil {
		return fail(err)
	}
	xread, err := xray.NewReadAPI(xray.DefaultReadConfig(), st)
	if err != nil {
		return fail(err)
	}
	// Sampling rules live in the metadata store; the SDKs poll them on the
	// daemon address, people manage them on either port.
	scfg := xray.DefaultSamplingConfig()
	scfg.Logger = s.log
	xsampling, err := xray.NewSamplingAPI(scfg, s.meta, st)
	if err != nil {
		return fail(err)
	}
	if cfg.XRayAddr != "" {
		xmux := http.NewServeMux()
		xmux.Handle("POST "+xray.PutTraceSegmentsPath, s.xray.Handler())
		xread.Register(xmux)
		xsampling.Register(xmux)
		s.xrayAPI = &http.Server{Handler: xmux, ReadHeaderTimeout: 10 * time.Second}
		if s.xrayLn, err = net.Listen("tcp", cfg.XRayAddr); err != nil {
			return fail(fmt.Errorf("x-ray api on tcp %s: %w", cfg.XRayAddr, err))
		}
	}

	a, err := api.New(api.Config{Traces: st, Logs: st, Query: st, Metrics: st, Logger: s.log})
	if err != nil {
		return fail(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	xread.Register(mux)
	xsampling.Register(mux)
	xsampling.RegisterDiagnostics(mux)
	lint, err := tracelint.NewHandlers(tracelint.DefaultHandlerConfig(), st)
	if err != nil {
		return fail(err)
	}
	lint.Register(mux)
	ecfg := errortrack.DefaultConfig()
	ecfg.Registerer, ecfg.Logger = reg, s.log
	if s.tracker, err = errortrack.New(ecfg, s.meta); err != nil {
		return fail(err)
	}
	oecfg := retention.DefaultOccurrenceConfig()
	oecfg.Retention, oecfg.Logger = cfg.Retention, s.log
	if s.occExpiry, err = retention.NewOccurrenceExpirer(oecfg, s.meta); err != nil {
		return fail(err)
	}
	rbcfg := rollbar.DefaultConfig()
	rbcfg.Logger = s.log
	if s.rollbar, err = rollbar.New(rbcfg, rollbar.Deps{Ingest: s.tracker, Edit: s.tracker, Items: s.meta, Projects: s.meta}); err != nil {
		return fail(err)
	}
	s.rollbar.Register(mux)
	ccfg := cwlogs.DefaultConfig()
	ccfg.Logger, ccfg.Keys = s.log, cfg.AWSAccessKeys
	lcfg := logsearch.DefaultConfig()
	lcfg.Logger, lcfg.Account = s.log, ccfg.AccountID
	if s.logsearch, err = logsearch.New(lcfg, st, s.meta); err != nil {
		return fail(err)
	}
	gcfg := retention.DefaultLogGroupsConfig()
	gcfg.Logger = s.log
	if s.groupRet, err = retention.NewLogGroups(gcfg, s.meta, st); err != nil {
		return fail(err)
	}
	if s.cwlogs, err = cwlogs.New(ccfg, cwlogs.Backends{Sink: s.pipeline, Meta: s.meta, Events: st,
		Reader: s.logsearch, Insights: s.logsearch, Retention: s.groupRet}); err != nil {
		return fail(err)
	}
	// CloudWatch Logs speaks AWS JSON 1.1: every operation is a POST to "/"
	// told apart by its X-Amz-Target header.
	mux.Handle("POST /", s.cwlogs)
	mux.Handle("GET /api/cwlogs/groups", s.cwlogs.GroupsHandler())
	mux.Handle("GET /", ui.Handler()) // the web UI; every other route is more specific
	mux.Handle("POST "+xray.PutTraceSegmentsPath, s.xray.Handler())
	mux.Handle("GET /api/status", statusSource{
		store: st, tally: tl, version: cfg.Version, started: time.Now(),
		retention: cfg.Retention, budget: cfg.MaxDiskBytes, now: time.Now,
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !s.ready.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if s.httpLn, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		return fail(fmt.Errorf("http-addr %s: %w", cfg.HTTPAddr, err))
	}
	return s, nil
}

// HTTPAddr is the bound address of the main HTTP port.
func (s *Server) HTTPAddr() string { return s.httpLn.Addr().String() }

// otlpDefaults binds the OTLP ports to loopback, like every other listener.
func otlpDefaults() otlp.Config {
	c := otlp.DefaultConfig()
	c.GRPCAddr, c.HTTPAddr = "127.0.0.1:4317", "127.0.0.1:4318"
	return c
}

func (s *Server) xrayAPIAddr() string {
	if s.xrayLn == nil {
		return ""
	}
	return s.xrayLn.Addr().String()
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
