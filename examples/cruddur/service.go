package cruddur

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-xray-sdk-go/xray"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// service is what the two services share: their SDKs and the way a route
// is instrumented.
type service struct {
	name string
	tel  *telemetry
	xr   *xrayRecorder
	cw   *cwShipper
	rb   *reporter
	// log is the request log: CloudWatch Logs and OTLP log records.
	log *slog.Logger
}

func newService(name string, tel *telemetry, xr *xrayRecorder, cw *cwShipper, rb *reporter) *service {
	return &service{name: name, tel: tel, xr: xr, cw: cw, rb: rb,
		log: slog.New(slog.NewMultiHandler(newCWHandler(cw, slog.LevelInfo), tel.logHandler()))}
}

// appHandler serves a request or returns the error that stopped it, which
// the route answers with a 500 and reports.
type appHandler func(w http.ResponseWriter, r *http.Request) error

// route options.
type routeOpt int

const (
	// otelUntraced leaves the route out of OpenTelemetry (health checks):
	// it keeps its X-Ray segment, which the sampling rules decide.
	otelUntraced routeOpt = iota + 1
)

// handle registers h for pattern, instrumented from the outside in: an
// OTel SERVER span, the X-Amzn-Trace-Id that puts the X-Ray segment in the
// span's trace, the X-Ray segment, the request log, then h with its errors
// reported.
func (s *service) handle(mux *http.ServeMux, pattern string, h appHandler, opts ...routeOpt) {
	var hh http.Handler = s.reportErrors(h)
	hh = s.accessLog(hh)
	hh = s.xr.handler(hh)
	untraced := len(opts) > 0 && opts[0] == otelUntraced
	if !untraced {
		hh = s.tel.serverHandler(xrayTraceHeader(hh), pattern)
	}
	mux.Handle(pattern, hh)
}

// reportErrors answers an error with a 500 and records it everywhere a
// team would look: the OTel span (status and exception event), the X-Ray
// segment (fault and cause), Rollbar (with request, person and trace id)
// and the request log.
func (s *service) reportErrors(h appHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		ctx := r.Context()
		span := trace.SpanFromContext(ctx)
		span.RecordError(err, trace.WithStackTrace(true))
		span.SetStatus(codes.Error, err.Error())
		_ = xray.AddError(ctx, err)
		s.rb.requestError(ctx, r, currentUser(r), err)
		s.log.ErrorContext(ctx, "request failed: "+err.Error(), "method", r.Method, "path", r.URL.Path, "err", err.Error())
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal server error"})
	})
}

// accessLog logs every response that is not a 200, as Cruddur's
// after_request hook does: 5xx as errors, others as warnings.
func (s *service) accessLog(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		if sw.status == http.StatusOK {
			return
		}
		level := slog.LevelWarn
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, r.Method+" "+r.URL.RequestURI()+" "+http.StatusText(sw.status),
			"status", sw.status, "method", r.Method, "path", r.URL.Path, "remote_addr", r.RemoteAddr,
			"duration_ms", time.Since(start).Milliseconds(), "service", s.name)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// currentUser is the signed-in user. Cruddur's frontend sends a Cognito
// access token as "Authorization: Bearer …"; the demo's stand-in for it is
// the user's handle.
func currentUser(r *http.Request) *user {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil
	}
	return users[token]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
