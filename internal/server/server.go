// Package server assembles Lookout from its parts and runs it. Each surface
// has a builder of its own: the ingest path (ingest.go), OTLP (otlp.go),
// X-Ray (xray.go), error tracking and Rollbar (rollbar.go), CloudWatch Logs
// (cwlogs.go), Lookout's JSON API (api.go), health, metrics and status
// (ops.go), and the main port's protocol-first router (router.go). The
// stores come from package backend, seen only through the store contract.
// The package holds no protocol or storage logic of its own.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"lookout/internal/backend"
	"lookout/internal/diskspace"
	"lookout/internal/identity"
	"lookout/internal/receiver/otlp"
	"lookout/internal/store"
)

// deps is what every builder may use.
type deps struct {
	cfg   Config
	log   *slog.Logger
	reg   *prometheus.Registry
	store store.Store // telemetry
	meta  store.Meta  // metadata
	// disk keeps the free-space reserve of the data directory (disk.go);
	// nil when no store keeps its files there.
	disk *diskspace.Guard
	// gate decides who may use Lookout's API and UI (router.go); the
	// X-Ray API on the main port takes its credentials too (xray.go).
	gate *identity.Gate
}

// Server is a running Lookout: it holds the surfaces and runs them (run.go).
type Server struct {
	deps
	stores backend.Stores
	ingest *ingest
	otlp   *otlp.Receiver
	xray   *xraySurface
	errors *errorSurface
	logs   *logSurface
	main   *mainPort
	ready  atomic.Bool
}

// New opens the stores, builds every surface and binds every listener, so
// that addresses are known (and port conflicts reported) before Run. On
// error nothing stays open.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	stores, err := backend.Open(ctx, cfg.stores())
	if err != nil {
		return nil, metaOpenError(err, cfg.DataDir)
	}
	s := &Server{stores: stores, deps: deps{cfg: cfg, log: cfg.Logger, reg: prometheus.NewRegistry(),
		store: stores.Telemetry, meta: stores.Meta}}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := s.checkExposure(ctx); err != nil {
		s.closeAll()
		return nil, err
	}
	gcfg := identity.DefaultGateConfig()
	gcfg.Keys, gcfg.AllowAnyone, gcfg.Logger = cfg.APIKeys, cfg.AllowAnyone, s.log
	gcfg.SecureCookies = strings.HasPrefix(cfg.PublicURL, "https://")
	gcfg.Projects = s.projectNames
	if s.gate, err = identity.NewGate(gcfg); err != nil {
		s.closeAll()
		return nil, err
	}
	if err := s.watchDisk(); err != nil {
		s.closeAll()
		return nil, err
	}
	if err := s.build(ctx); err != nil {
		s.closeAll()
		return nil, err
	}
	return s, nil
}

// projectNames lists the projects of the metadata store, for the UI's
// project selector.
func (s *Server) projectNames(ctx context.Context) ([]string, error) {
	ps, err := s.meta.Projects(ctx)
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names, err
}

// checkExposure refuses listeners beyond loopback that no credentials
// protect (exposure.go).
func (s *Server) checkExposure(ctx context.Context) error {
	tokens, err := s.meta.TokenCount(ctx)
	if err != nil {
		return fmt.Errorf("count access tokens: %w", err)
	}
	return checkExposure(ctx, s.cfg, tokens, s.log)
}

// build makes the surfaces in the order they depend on each other: the
// ingest path first, the receivers that feed it, the main port last.
func (s *Server) build(ctx context.Context) error {
	var err error
	if s.ingest, err = newIngest(s.deps); err != nil {
		return err
	}
	if s.otlp, err = newOTLP(ctx, s.deps, s.ingest.pipeline); err != nil {
		return err
	}
	if s.xray, err = newXRay(s.deps, s.ingest.pipeline); err != nil {
		return err
	}
	if s.errors, err = newErrors(ctx, s.deps); err != nil {
		return err
	}
	if s.logs, err = newLogs(s.deps, s.ingest.pipeline); err != nil {
		return err
	}
	h, err := s.mainRoutes()
	if err != nil {
		return err
	}
	s.main, err = newMainPort(s.cfg.HTTPAddr, h)
	return err
}

// HTTPAddr is the bound address of the main HTTP port.
func (s *Server) HTTPAddr() string { return s.main.ln.Addr().String() }

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
