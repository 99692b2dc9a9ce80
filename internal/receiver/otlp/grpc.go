package otlp

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/encoding/gzip" // accept gzip-compressed requests
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// RegisterGRPC registers the OTLP TraceService and LogsService on s. Start
// does this on its own server; use it to serve OTLP on a server of your own,
// which should then limit received messages to MaxRequestBytes.
func (r *Receiver) RegisterGRPC(s grpc.ServiceRegistrar) {
	coltracepb.RegisterTraceServiceServer(s, traceService{r: r})
	collogspb.RegisterLogsServiceServer(s, logsService{r: r})
}

func (r *Receiver) newGRPCServer() *grpc.Server {
	s := grpc.NewServer(grpc.MaxRecvMsgSize(r.cfg.MaxRequestBytes), grpc.UnaryInterceptor(r.unaryInterceptor))
	r.RegisterGRPC(s)
	return s
}

type traceService struct {
	coltracepb.UnimplementedTraceServiceServer
	r *Receiver
}

// Export implements the OTLP TraceService.
func (s traceService) Export(ctx context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	out, err := s.r.exportTraces(ctx, grpcProject(ctx), req.GetResourceSpans())
	if err != nil {
		return nil, s.r.grpcError(err)
	}
	resp := &coltracepb.ExportTraceServiceResponse{}
	if out.rejected > 0 {
		resp.PartialSuccess = &coltracepb.ExportTracePartialSuccess{RejectedSpans: out.rejected, ErrorMessage: out.message}
	}
	return resp, nil
}

type logsService struct {
	collogspb.UnimplementedLogsServiceServer
	r *Receiver
}

// Export implements the OTLP LogsService.
func (s logsService) Export(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	out, err := s.r.exportLogs(ctx, grpcProject(ctx), req.GetResourceLogs())
	if err != nil {
		return nil, s.r.grpcError(err)
	}
	resp := &collogspb.ExportLogsServiceResponse{}
	if out.rejected > 0 {
		resp.PartialSuccess = &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: out.rejected, ErrorMessage: out.message}
	}
	return resp, nil
}

func grpcProject(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	return projectFor(grpcHeaders(md))
}

// grpcError maps an export failure to the status OTLP clients act on:
// InvalidArgument (drop), Unavailable with RetryInfo (retry after the delay),
// the context's own code when the client gave up, Internal otherwise.
func (r *Receiver) grpcError(err error) error {
	msg := strings.ToValidUTF8(err.Error(), "\uFFFD")
	var inv *invalidError
	switch {
	case errors.As(err, &inv):
		return status.Error(codes.InvalidArgument, msg)
	case retryable(err):
		st, derr := status.New(codes.Unavailable, msg).WithDetails(&errdetails.RetryInfo{
			RetryDelay: durationpb.New(r.cfg.RetryAfter),
		})
		if derr != nil {
			return status.Error(codes.Unavailable, msg)
		}
		return st.Err()
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return status.FromContextError(err).Err()
	}
	r.log.Error("otlp export failed", slog.Any("err", err))
	return status.Error(codes.Internal, msg)
}
