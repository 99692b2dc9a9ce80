// Package otlp receives OTLP traces, logs and metrics over gRPC and HTTP (protobuf and
// JSON), converts them to the model and hands each request to a Sink as one
// batch. It replies only after the sink has committed, with the status codes
// and partial-success answers the OTLP specification prescribes.
package otlp

import (
	"context"

	"google.golang.org/grpc/metadata"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

// Sink commits a batch durably before returning. Items listed in the result's
// Rejected were refused and not committed; on error nothing is guaranteed to
// be committed and pipeline.IsRetryable tells whether the client may resend.
// *pipeline.Pipeline implements it.
type Sink interface {
	Submit(ctx context.Context, b *model.Batch) (pipeline.Result, error)
}

// Observer is told about items refused before they reached the sink, so they
// show in metrics and on the status page. kind is "span", "log" or "metric"; service is
// empty when unknown. A request that could not be decoded at all counts as
// n=1 with an empty service. *pipeline.Pipeline implements it.
type Observer interface {
	Rejected(kind, project, service, reason, message string, n int)
}

// Item kinds as the pipeline and the tally name them.
const (
	kindSpan   = "span"
	kindLog    = "log"
	kindMetric = "metric" // one data point
)

// headers is what projectFor reads: http.Header and grpcHeaders both fit.
type headers interface {
	Get(key string) string
}

// projectFor is the project of a request that Config.Identify did not
// see (a Handler mounted without it): model.DefaultProject.
func projectFor(h headers) string {
	_ = h
	return model.DefaultProject
}

// grpcHeaders adapts gRPC metadata to headers.
type grpcHeaders metadata.MD

func (m grpcHeaders) Get(key string) string {
	if v := metadata.MD(m).Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}
