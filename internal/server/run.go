package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Run serves until ctx is done, then stops taking data, commits what was
// accepted and closes the store.
func (s *Server) Run(ctx context.Context) error {
	pctx, stopPipeline := context.WithCancel(context.Background())
	defer stopPipeline()
	go s.pipeline.Run(pctx)
	go s.tracker.Run(pctx)
	rctx, stopRetention := context.WithCancel(ctx)
	retentionDone := make(chan struct{})
	go func() {
		defer close(retentionDone)
		var wg sync.WaitGroup
		wg.Go(func() { s.groupRet.Run(rctx) })
		wg.Go(func() { s.occExpiry.Run(rctx) })
		s.retention.Run(rctx)
		wg.Wait()
	}()

	errc := make(chan error, 3)
	go func() {
		if err := s.xray.Serve(); err != nil {
			errc <- fmt.Errorf("x-ray udp: %w", err)
		}
	}()
	if s.xrayAPI != nil {
		go func() {
			if err := s.xrayAPI.Serve(s.xrayLn); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("x-ray api: %w", err)
			}
		}()
	}
	go func() {
		if err := s.http.Serve(s.httpLn); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
	s.ready.Store(true)
	s.log.Info("lookout started", "version", s.cfg.Version, "http", s.HTTPAddr(),
		"otlp_grpc", addrString(s.otlp.GRPCAddr()), "otlp_http", addrString(s.otlp.HTTPAddr()),
		"xray_udp", addrString(s.xray.UDPAddr()), "xray_api", s.xrayAPIAddr(), "data_dir", s.cfg.DataDir)

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	s.ready.Store(false)
	s.log.Info("lookout stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Receivers first, so nothing new arrives; then the pipeline and the
	// error tracker commit what they hold; the stores close last.
	if err := s.otlp.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("otlp shutdown", "err", err)
	}
	if err := s.xray.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("x-ray shutdown", "err", err)
	}
	if s.xrayAPI != nil {
		if err := s.xrayAPI.Shutdown(shutdownCtx); err != nil {
			s.log.Warn("x-ray api shutdown", "err", err)
		}
	}
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	s.logsearch.Close()
	stopRetention()
	<-retentionDone
	stopPipeline()
	<-s.pipeline.Stopped()
	<-s.tracker.Stopped()
	if err := s.store.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close store: %w", err)
	}
	if err := s.meta.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close metadata store: %w", err)
	}
	return runErr
}

// closeAll releases what New opened when New fails half way.
func (s *Server) closeAll() {
	if s.otlp != nil {
		_ = s.otlp.Shutdown(context.Background())
	}
	if s.xray != nil {
		_ = s.xray.Shutdown(context.Background())
	}
	for _, ln := range []net.Listener{s.httpLn, s.xrayLn} {
		if ln != nil {
			_ = ln.Close()
		}
	}
	if s.store != nil {
		_ = s.store.Close()
	}
	if s.meta != nil {
		_ = s.meta.Close()
	}
}
