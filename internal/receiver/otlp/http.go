package otlp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"

	"lookout/internal/pipeline"
)

// OTLP/HTTP paths.
const (
	PathTraces  = "/v1/traces"
	PathLogs    = "/v1/logs"
	PathMetrics = "/v1/metrics"
)

// Handler serves OTLP/HTTP: POST /v1/traces, /v1/logs and /v1/metrics with protobuf or
// JSON bodies, optionally gzip-compressed, plus CORS preflight requests. Any
// other path is answered 404, so it can be mounted at the root of a mux or
// under "/v1/".
//
// A request body must arrive within ReadTimeout of the handler's start on
// servers that support read deadlines (net/http's do). A panic while serving
// is answered 500, logged and counted, and does not stop the server.
func (r *Receiver) Handler() http.Handler { return r.recoverHTTP(http.HandlerFunc(r.serveHTTP)) }

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	var kind string
	switch req.URL.Path {
	case PathTraces:
		kind = kindSpan
	case PathLogs:
		kind = kindLog
	case PathMetrics:
		kind = kindMetric
	default:
		http.Error(w, fmt.Sprintf("no OTLP endpoint at %q: use %s, %s or %s", req.URL.Path, PathTraces, PathLogs, PathMetrics),
			http.StatusNotFound)
		return
	}
	if r.cors.handle(w, req) {
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, fmt.Sprintf("method %s not allowed: OTLP/HTTP takes POST", req.Method), http.StatusMethodNotAllowed)
		return
	}
	project, err := r.identify(req.Header.Get, req.RemoteAddr)
	if err != nil {
		r.refuseIdentity(w, req, err)
		return
	}
	ct, err := contentType(req)
	if err != nil {
		r.refuse(w, ctProtobuf, kind, project, err)
		return
	}
	c := r.inflight.charge(r.cfg.MaxRequestBytes)
	defer c.release()
	req.Body = http.MaxBytesReader(w, req.Body, int64(r.cfg.MaxRequestBytes))
	buf, err := r.readBodyInTime(w, req, c)
	if errors.Is(err, pipeline.ErrOverloaded) {
		r.observe(kind, project, "", "overloaded", err.Error(), 1)
		r.httpError(w, ct, err)
		return
	}
	if err != nil {
		r.refuse(w, ct, kind, project, err)
		return
	}
	resp, err := r.exportMessage(req.Context(), kind, project, ct, buf.Bytes(), func() { putBuffer(buf) })
	var mal *malformedError
	if errors.As(err, &mal) {
		r.refuse(w, ct, kind, project, &bodyError{status: http.StatusBadRequest, reason: "malformed", msg: mal.Error()})
		return
	}
	if err != nil {
		r.httpError(w, ct, err)
		return
	}
	r.write(w, ct, http.StatusOK, resp)
}

// readBodyInTime reads the body within ReadTimeout from now. The deadline is
// lifted once the whole body is in (net/http's HTTP/1 server does so itself),
// so that a slow commit does not count against the client. On failure it
// stays, and bounds the server's own attempt to drain what is left. A server
// that cannot set deadlines reads without one.
func (r *Receiver) readBodyInTime(w http.ResponseWriter, req *http.Request, c *charge) (*body, error) {
	rc := http.NewResponseController(w)
	timed := rc.SetReadDeadline(time.Now().Add(r.cfg.ReadTimeout)) == nil
	buf, err := readBody(req, r.cfg.MaxRequestBytes, c)
	if timed && err == nil {
		_ = rc.SetReadDeadline(time.Time{})
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		w.Header().Set("Connection", "close")
		return nil, &bodyError{status: http.StatusRequestTimeout, reason: "timeout", err: err,
			msg: fmt.Sprintf("request body not received within the read timeout of %s", r.cfg.ReadTimeout)}
	}
	return buf, err
}

// refuse answers a request that never reached conversion and reports it.
func (r *Receiver) refuse(w http.ResponseWriter, ct, kind, project string, err error) {
	var be *bodyError
	if !errors.As(err, &be) {
		be = &bodyError{status: http.StatusBadRequest, reason: "malformed", msg: err.Error()}
	}
	r.observe(kind, project, "", be.reason, be.msg, 1)
	if be.status == http.StatusUnsupportedMediaType {
		http.Error(w, be.msg, be.status) // the client's encoding is unknown: plain text
		return
	}
	code := codes.InvalidArgument
	if be.status == http.StatusRequestTimeout {
		code = codes.DeadlineExceeded
	}
	r.writeStatus(w, ct, be.status, code, be.msg)
}

// httpError maps an export failure: 400 for invalid data, 503 with
// Retry-After when the sink may take the data later, 500 otherwise.
func (r *Receiver) httpError(w http.ResponseWriter, ct string, err error) {
	var inv *invalidError
	switch {
	case errors.As(err, &inv):
		r.writeStatus(w, ct, http.StatusBadRequest, codes.InvalidArgument, inv.msg)
	case retryable(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// A cancelled context means the client gave up or the server is
		// stopping: nothing was acknowledged, so a resend is safe.
		secs := int((r.cfg.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		r.writeStatus(w, ct, http.StatusServiceUnavailable, codes.Unavailable, err.Error(),
			&errdetails.RetryInfo{RetryDelay: durationpb.New(r.cfg.RetryAfter)})
	default:
		r.log.Error("otlp export failed", slog.Any("err", err))
		r.writeStatus(w, ct, http.StatusInternalServerError, codes.Internal, err.Error())
	}
}

// writeStatus answers with a google.rpc.Status body, as OTLP/HTTP asks.
func (r *Receiver) writeStatus(w http.ResponseWriter, ct string, httpStatus int, code codes.Code, msg string, details ...proto.Message) {
	st := &spb.Status{Code: int32(code), Message: strings.ToValidUTF8(msg, "\uFFFD")}
	for _, d := range details {
		if a, err := anypb.New(d); err == nil {
			st.Details = append(st.Details, a)
		}
	}
	r.write(w, ct, httpStatus, st)
}

func (r *Receiver) write(w http.ResponseWriter, ct string, status int, m proto.Message) {
	b, err := marshal(ct, m)
	if err != nil { // cannot happen with these message types
		r.log.Error("otlp: encode reply", slog.Any("err", err))
		http.Error(w, "encode reply", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
