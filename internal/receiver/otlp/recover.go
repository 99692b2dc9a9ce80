package otlp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// recoverHTTP answers 500 with a google.rpc.Status body when h panics, in
// place of the dropped connection net/http would leave, and logs the panic
// with its stack and counts it. http.ErrAbortHandler keeps its meaning.
func (r *Receiver) recoverHTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			r.panicked("http", req.URL.Path, p)
			if tw.wrote {
				panic(http.ErrAbortHandler) // the reply is under way: cut it off
			}
			ct, err := contentType(req)
			if err != nil {
				ct = ctProtobuf
			}
			tw.Header().Set("Connection", "close")
			r.writeStatus(tw, ct, http.StatusInternalServerError, codes.Internal, "internal error")
		}()
		h.ServeHTTP(tw, req)
	})
}

// recoverUnary turns a panic in a gRPC handler into an Internal status, and
// logs the panic with its stack and counts it. Without it a panic in any
// handler ends the process, as grpc-go does not recover.
func (r *Receiver) recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked("grpc", info.FullMethod, p)
			resp, err = nil, status.Error(codes.Internal, "internal error")
		}
	}()
	return next(ctx, req)
}

func (r *Receiver) panicked(transport, where string, p any) {
	r.metrics.panics.WithLabelValues(transport).Inc()
	r.log.Error("otlp handler panicked", slog.String("transport", transport), slog.String("at", where),
		slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
}

// trackingWriter remembers whether the reply has begun.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *trackingWriter) WriteHeader(code int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *trackingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *trackingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
