package otlp

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip" // accept gzip-compressed requests
	grpcproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// registerGRPC registers the OTLP TraceService, LogsService and
// MetricsService on s, which
// must be built with grpcServerOptions: their methods take the message
// undecoded, so that it is charged before decoding and a malformed one is
// answered InvalidArgument (grpc-go's own decoding answers Internal).
func (r *Receiver) registerGRPC(s grpc.ServiceRegistrar) {
	for _, d := range []struct {
		desc grpc.ServiceDesc
		kind string
	}{{coltracepb.TraceService_ServiceDesc, kindSpan}, {collogspb.LogsService_ServiceDesc, kindLog},
		{colmetricspb.MetricsService_ServiceDesc, kindMetric}} {
		sd := d.desc
		sd.Methods = []grpc.MethodDesc{{MethodName: "Export", Handler: r.exportMethod(d.kind, "/"+sd.ServiceName+"/Export")}}
		sd.Streams = nil
		s.RegisterService(&sd, nil) // the handler holds its receiver
	}
}

func (r *Receiver) grpcServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(r.cfg.MaxRequestBytes),
		grpc.ForceServerCodecV2(rawCodec{encoding.GetCodecV2(grpcproto.Name)}),
		grpc.ChainUnaryInterceptor(r.recoverUnary),
		grpc.InTapHandle(r.tapIdentity),
		grpc.MaxConcurrentStreams(grpcMaxStreams),
		grpc.ConnectionTimeout(headerTimeout),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			Time:                  grpcKeepaliveTime,
			Timeout:               grpcKeepaliveTimeout,
			MaxConnectionAge:      r.cfg.GRPCMaxConnectionAge,
			MaxConnectionAgeGrace: r.cfg.ReadTimeout,
		}),
	}
}

func (r *Receiver) newGRPCServer() *grpc.Server {
	s := grpc.NewServer(r.grpcServerOptions()...)
	r.registerGRPC(s)
	return s
}

// rawMessage is a received request not yet decoded.
type rawMessage struct{ data mem.BufferSlice }

// rawCodec hands a *rawMessage the received bytes as they are and leaves
// everything else to the protobuf codec.
type rawCodec struct{ proto encoding.CodecV2 }

func (c rawCodec) Marshal(v any) (mem.BufferSlice, error) { return c.proto.Marshal(v) }

func (c rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if m, ok := v.(*rawMessage); ok {
		data.Ref()
		m.data = data
		return nil
	}
	return c.proto.Unmarshal(data, v)
}

func (c rawCodec) Name() string { return c.proto.Name() }

// exportMethod is the unary handler of one Export method.
func (r *Receiver) exportMethod(kind, fullMethod string) func(any, context.Context, func(any) error, grpc.UnaryServerInterceptor) (any, error) {
	return func(srv any, ctx context.Context, dec func(any) error, intercept grpc.UnaryServerInterceptor) (any, error) {
		var raw rawMessage
		if err := dec(&raw); err != nil {
			return nil, err
		}
		defer func() { raw.data.Free() }() // nil once exportGRPC freed it early
		handle := func(ctx context.Context, req any) (any, error) { return r.exportGRPC(ctx, kind, req.(*rawMessage)) }
		if intercept == nil {
			return handle(ctx, &raw)
		}
		return intercept(ctx, &raw, &grpc.UnaryServerInfo{Server: srv, FullMethod: fullMethod}, handle)
	}
}

// exportGRPC charges, decodes, converts and submits one Export request.
func (r *Receiver) exportGRPC(ctx context.Context, kind string, raw *rawMessage) (proto.Message, error) {
	project := grpcProject(ctx)
	c := r.inflight.charge(r.cfg.MaxRequestBytes)
	defer c.release()
	if err := c.exact(int64(raw.data.Len())); err != nil {
		r.observe(kind, project, "", "overloaded", err.Error(), 1)
		return nil, r.grpcError(err)
	}
	buf := raw.data.MaterializeToBuffer(mem.DefaultBufferPool())
	raw.data.Free() // grpc-go's receive buffers are not held while the batch waits for its commit
	raw.data = nil
	resp, err := r.exportMessage(ctx, kind, project, ctProtobuf, buf.ReadOnlyData(), buf.Free)
	var mal *malformedError
	if errors.As(err, &mal) {
		return nil, r.malformedGRPC(kind, project, mal)
	}
	if err != nil {
		return nil, r.grpcError(err)
	}
	return resp, nil
}

// malformedGRPC reports and answers a message that is not the request's
// protobuf type: InvalidArgument, which OTLP clients do not retry.
func (r *Receiver) malformedGRPC(kind, project string, err error) error {
	msg := strings.ToValidUTF8(err.Error(), "\uFFFD")
	r.observe(kind, project, "", "malformed", msg, 1)
	return status.Error(codes.InvalidArgument, msg)
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
