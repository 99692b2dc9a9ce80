package otlp

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"

	"lookout/internal/identity"
	"lookout/internal/model"
)

// Identify decides whose exports are taken: given a request's headers (HTTP
// headers, or gRPC metadata) and the client's address ("host:port"), it
// returns the project the data lands in, or an error wrapping
// identity.ErrUnauthenticated (HTTP 401, gRPC UNAUTHENTICATED) or
// identity.ErrForbidden (403, PERMISSION_DENIED). identity.Ingest.Project
// is one.
type Identify func(header func(string) string, remoteAddr string) (string, error)

// identify applies Config.Identify; without one every export lands in
// model.DefaultProject.
func (r *Receiver) identify(header func(string) string, remoteAddr string) (string, error) {
	if r.cfg.Identify == nil {
		return model.DefaultProject, nil
	}
	return r.cfg.Identify(header, remoteAddr)
}

// refuseIdentity answers an OTLP/HTTP export refused for who sent it, with
// a google.rpc.Status in the request's encoding. OTLP exporters do not
// retry 401 or 403.
func (r *Receiver) refuseIdentity(w http.ResponseWriter, req *http.Request, err error) {
	ct, cerr := contentType(req)
	if cerr != nil {
		ct = ctProtobuf
	}
	httpStatus, code, reason := http.StatusForbidden, codes.PermissionDenied, "forbidden"
	if errors.Is(err, identity.ErrUnauthenticated) {
		httpStatus, code, reason = http.StatusUnauthorized, codes.Unauthenticated, "unauthenticated"
		w.Header().Set("WWW-Authenticate", `Bearer realm="lookout"`)
	}
	r.metrics.refused.WithLabelValues("http", reason).Inc()
	r.log.Debug("otlp: export refused", "remote", req.RemoteAddr, "err", err)
	r.writeStatus(w, ct, httpStatus, code, err.Error())
}

type projectKey struct{}

// tapIdentity decides whose a gRPC export is once its headers are in,
// before its message is received: a refused client costs no buffer. The
// project granted rides in the stream's context (grpcProject).
func (r *Receiver) tapIdentity(ctx context.Context, info *tap.Info) (context.Context, error) {
	var remote string
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		remote = p.Addr.String()
	}
	project, err := r.identify(grpcHeaders(info.Header).Get, remote)
	if err == nil {
		return context.WithValue(ctx, projectKey{}, project), nil
	}
	code, reason := codes.PermissionDenied, "forbidden"
	if errors.Is(err, identity.ErrUnauthenticated) {
		code, reason = codes.Unauthenticated, "unauthenticated"
	}
	r.metrics.refused.WithLabelValues("grpc", reason).Inc()
	r.log.Debug("otlp: export refused", "remote", remote, "method", info.FullMethodName, "err", err)
	return nil, status.Error(code, strings.ToValidUTF8(err.Error(), "\uFFFD"))
}

// grpcProject is the project tapIdentity granted a request.
func grpcProject(ctx context.Context) string {
	if p, ok := ctx.Value(projectKey{}).(string); ok {
		return p
	}
	md, _ := metadata.FromIncomingContext(ctx)
	return projectFor(grpcHeaders(md))
}
