package server

import (
	"context"
	"sync"
	"time"
)

// Run serves until ctx is done or a listener fails, then stops taking data,
// commits what was accepted and closes the stores.
func (s *Server) Run(ctx context.Context) error {
	pctx, stopPipeline := context.WithCancel(context.Background())
	defer stopPipeline()
	go s.ingest.pipeline.Run(pctx)
	go s.errors.tracker.Run(pctx)
	rctx, stopRetention := context.WithCancel(ctx)
	var loops sync.WaitGroup
	loops.Go(func() { s.ingest.retention.Run(rctx) })
	loops.Go(func() { s.logs.retention.Run(rctx) })
	loops.Go(func() { s.errors.expiry.Run(rctx) })

	errc := make(chan error, 3)
	s.xray.serve(errc)
	s.main.serve(errc)
	s.ready.Store(true)
	s.log.Info("lookout started", "version", s.cfg.Version, "http", s.HTTPAddr(),
		"otlp_grpc", addrString(s.otlp.GRPCAddr()), "otlp_http", addrString(s.otlp.HTTPAddr()),
		"xray_udp", s.xray.udpAddr(), "xray_api", s.xray.apiAddr(), "data_dir", s.cfg.DataDir)

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
	if err := s.xray.shutdown(shutdownCtx); err != nil {
		s.log.Warn("x-ray shutdown", "err", err)
	}
	// Live tails stream until they end: end them, or the main port's
	// shutdown would wait for them.
	if s.logs.handler != nil {
		s.logs.handler.Close()
	}
	if err := s.main.srv.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("http shutdown", "err", err)
	}
	s.logs.search.Close()
	stopRetention()
	loops.Wait()
	stopPipeline()
	<-s.ingest.pipeline.Stopped()
	<-s.errors.tracker.Stopped()
	if err := s.stores.Close(); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// closeAll releases what New opened when New fails half way.
func (s *Server) closeAll() {
	if s.otlp != nil {
		_ = s.otlp.Shutdown(context.Background())
	}
	if s.xray != nil {
		s.xray.close()
	}
	if s.logs != nil {
		s.logs.search.Close()
	}
	if s.main != nil {
		_ = s.main.ln.Close()
	}
	_ = s.stores.Close()
}
