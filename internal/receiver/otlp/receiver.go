package otlp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc"
)

// Receiver serves OTLP over gRPC and HTTP and submits every request to its
// sink. It is safe for concurrent use.
type Receiver struct {
	cfg      Config
	sink     Sink
	obs      Observer
	log      *slog.Logger
	cors     cors
	inflight inflight
	metrics  *metrics

	mu       sync.Mutex // guards the fields below
	grpcSrv  *grpc.Server
	httpSrv  *http.Server
	grpcAddr net.Addr
	httpAddr net.Addr
	errc     chan error
	wg       sync.WaitGroup
}

// New builds a receiver that hands batches to sink. It listens on nothing
// until Start; Handler works without Start.
func New(cfg Config, sink Sink) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sink == nil {
		return nil, errors.New("otlp: nil sink")
	}
	r := &Receiver{cfg: cfg, sink: sink, obs: cfg.Observer, log: cfg.Logger, cors: newCORS(cfg.CORSAllowedOrigins),
		inflight: newInflight(cfg.MaxInflightBytes), errc: make(chan error, 2)}
	var err error
	if r.metrics, err = newMetrics(cfg.Registerer, r.inflight); err != nil {
		return nil, err
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	return r, nil
}

// Start binds the configured listeners and serves them in the background.
// When it returns without error, GRPCAddr and HTTPAddr report the bound
// addresses (useful with port 0). Stop with Shutdown.
func (r *Receiver) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grpcSrv != nil || r.httpSrv != nil {
		return errors.New("otlp: already started")
	}
	var lc net.ListenConfig
	var gl, hl net.Listener
	var err error
	if r.cfg.GRPCAddr != "" {
		if gl, err = lc.Listen(ctx, "tcp", r.cfg.GRPCAddr); err != nil {
			return fmt.Errorf("otlp grpc listen on %s: %w", r.cfg.GRPCAddr, err)
		}
	}
	if r.cfg.HTTPAddr != "" {
		if hl, err = lc.Listen(ctx, "tcp", r.cfg.HTTPAddr); err != nil {
			if gl != nil {
				_ = gl.Close()
			}
			return fmt.Errorf("otlp http listen on %s: %w", r.cfg.HTTPAddr, err)
		}
	}
	if gl != nil {
		r.grpcSrv, r.grpcAddr = r.newGRPCServer(), gl.Addr()
		r.serve("grpc", func() error { return r.grpcSrv.Serve(gl) })
	}
	if hl != nil {
		r.httpSrv = &http.Server{
			Handler:           r.Handler(),
			ReadHeaderTimeout: headerTimeout, // the body's deadline is set per request

			IdleTimeout: 2 * time.Minute,
			ErrorLog:    slog.NewLogLogger(r.log.Handler(), slog.LevelWarn),
		}
		r.httpAddr = hl.Addr()
		r.serve("http", func() error { return r.httpSrv.Serve(hl) })
	}
	r.log.Info("otlp receiver listening", slog.Any("grpc", r.grpcAddr), slog.Any("http", r.httpAddr))
	return nil
}

func (r *Receiver) serve(name string, serve func() error) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if err := serve(); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, grpc.ErrServerStopped) {
			r.errc <- fmt.Errorf("otlp %s server: %w", name, err)
		}
	}()
}

// GRPCAddr is the bound OTLP/gRPC address, or nil when not listening.
func (r *Receiver) GRPCAddr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.grpcAddr
}

// HTTPAddr is the bound OTLP/HTTP address, or nil when not listening.
func (r *Receiver) HTTPAddr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.httpAddr
}

// Shutdown stops accepting requests and waits for those in flight to be
// answered, until ctx is done; then it closes the remaining connections.
func (r *Receiver) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	gs, hs := r.grpcSrv, r.httpSrv
	r.mu.Unlock()
	var err error
	if hs != nil {
		if e := hs.Shutdown(ctx); e != nil {
			err = fmt.Errorf("otlp http shutdown: %w", e)
			_ = hs.Close()
		}
	}
	if gs != nil {
		done := make(chan struct{})
		go func() { gs.GracefulStop(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			gs.Stop()
			<-done
			err = errors.Join(err, fmt.Errorf("otlp grpc shutdown: %w", ctx.Err()))
		}
	}
	r.wg.Wait()
	return err
}

// Run starts the receiver, serves until ctx is done or a server fails, and
// then shuts down, giving requests in flight up to 10 seconds.
func (r *Receiver) Run(ctx context.Context) error {
	if err := r.Start(ctx); err != nil {
		return err
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-r.errc:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return errors.Join(err, r.Shutdown(sctx))
}
