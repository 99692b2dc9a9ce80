package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"lookout/internal/identity"
	"lookout/internal/receiver/xray"
	"lookout/ui"
)

// router serves the main port. It tells the protocol of a request first,
// from what that protocol's clients always send, and hands it to that
// protocol's handler, which answers what it does not serve in its own
// shape:
//
//   - an X-Amz-Target header, or POST / without one: AWS JSON 1.1, the
//     CloudWatch Logs API (UnknownOperationException naming the target);
//   - a path under /v1/: OTLP/HTTP, which has ports of its own (404 saying
//     where OTLP is served);
//   - POST to a one-segment path starting with a capital letter
//     (/TraceSummaries, /CreateGroup): the X-Ray REST API, as on the X-Ray
//     port (404 UnknownOperationException naming the operation);
//   - anything else goes to rest: Rollbar's API under /api/1/ ({"err":1,...}
//     404), Lookout's API under /api/ (JSON 404 or 405), /healthz, /readyz,
//     /metrics, /login and /logout, and the web UI for every other GET, so
//     that the UI's own routes survive a reload. The identity gate stands
//     in front of it (identity.Gate: API keys, UI logins, projects), and
//     the refusal of cross-site writes (identity.CrossSite) in front of
//     that.
type router struct {
	cloudWatch http.Handler
	otlp       http.Handler
	xray       http.Handler
	rest       http.Handler
}

func (rt router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Header.Get("X-Amz-Target") != "" || (r.Method == http.MethodPost && p == "/"):
		rt.cloudWatch.ServeHTTP(w, r)
	case strings.HasPrefix(p, "/v1/"):
		rt.otlp.ServeHTTP(w, r)
	case r.Method == http.MethodPost && xray.IsOperationPath(p):
		rt.xray.ServeHTTP(w, r)
	default:
		rt.rest.ServeHTTP(w, r)
	}
}

// mainRoutes builds the main port's router from the surfaces.
func (s *Server) mainRoutes() (http.Handler, error) {
	mountAPI, err := lookoutAPI(s.deps, s.xray.sampler, s.errors.tokens)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mountAPI(mux)
	s.xray.registerAPI(mux)
	s.errors.register(mux)
	registerOps(mux, s.deps, s.ingest.tally, s.ready.Load)
	mux.Handle("/", ui.Handler()) // every method: the UI answers 405 to all but GET and HEAD
	// Rollbar's API checks its own tokens, and browsers post to it from
	// other sites (rollbar.js).
	rest := identity.CrossSite(s.gate.Wrap(mux), http.HandlerFunc(identity.DenyJSON), "/api/1/")
	return router{cloudWatch: s.logs.handler, otlp: otlpElsewhere(s.otlp), xray: s.xray.handler, rest: rest}, nil
}

// mainPort is the main HTTP port's server and its bound listener.
type mainPort struct {
	srv *http.Server
	ln  net.Listener
}

// newMainPort binds addr for h.
func newMainPort(addr string, h http.Handler) (*mainPort, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("http-addr %s: %w", addr, err)
	}
	return &mainPort{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln}, nil
}

// serve serves until shutdown; a failure goes to errc.
func (m *mainPort) serve(errc chan<- error) {
	go func() {
		if err := m.srv.Serve(m.ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http: %w", err)
		}
	}()
}
