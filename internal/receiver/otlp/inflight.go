package otlp

import (
	"context"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"golang.org/x/sync/semaphore"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"lookout/internal/pipeline"
)

// inflight bounds the request bytes being read, decoded and converted at once.
// The pipeline bounds what waits for a commit; this bounds what comes before
// it, however many clients send at the same time. Beyond the bound a request
// is refused at once with the retryable overload error.
type inflight struct{ sem *semaphore.Weighted }

func newInflight(maxBytes int) inflight { return inflight{semaphore.NewWeighted(int64(maxBytes))} }

// acquire claims n bytes, or returns pipeline.ErrOverloaded; release with the
// returned function.
func (f inflight) acquire(n int64) (release func(), err error) {
	if !f.sem.TryAcquire(n) {
		return nil, pipeline.ErrOverloaded
	}
	return func() { f.sem.Release(n) }, nil
}

// httpWeight is what a request may grow to in memory before conversion: its
// declared length when it is not compressed, otherwise the request limit.
func httpWeight(contentLength int64, gzipped bool, limit int) int64 {
	if contentLength > 0 && !gzipped && contentLength < int64(limit) {
		return contentLength
	}
	return int64(limit)
}

// unaryInterceptor holds the in-flight budget for a gRPC export while it is
// converted and committed. grpc-go has decoded the message by then; the
// budget still caps how many decoded requests are alive at once.
func (r *Receiver) unaryInterceptor(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	n := int64(r.cfg.MaxRequestBytes)
	if m, ok := req.(proto.Message); ok {
		n = min(int64(proto.Size(m)), n)
	}
	release, err := r.inflight.acquire(max(n, 1))
	if err != nil {
		kind := kindSpan
		if _, isLogs := req.(*collogspb.ExportLogsServiceRequest); isLogs {
			kind = kindLog
		}
		r.observe(kind, grpcProject(ctx), "", "overloaded", err.Error(), 1)
		return nil, r.grpcError(err)
	}
	defer release()
	return next(ctx, req)
}
