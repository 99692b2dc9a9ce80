package otlp

import (
	"context"
	"fmt"
	"strings"

	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"lookout/internal/loglevel"
	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/pipeline"
)

// invalidError means the request carried no valid item: the client must not
// resend it (HTTP 400, gRPC InvalidArgument).
type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }

// outcome is a successful export: how many items were refused and why.
type outcome struct {
	rejected int64
	message  string
}

// maxMessages bounds how many item problems one reply spells out.
const maxMessages = 3

// exportTraces converts and submits one request's spans.
func (r *Receiver) exportTraces(ctx context.Context, project string, rss []*tracepb.ResourceSpans) (outcome, error) {
	spans, rej := otlpconv.SpansFromProto(project, rss)
	return r.export(ctx, kindSpan, project, rej, len(spans)+len(rej), &model.Batch{Spans: spans})
}

// exportLogs converts and submits one request's log records.
func (r *Receiver) exportLogs(ctx context.Context, project string, rls []*logspb.ResourceLogs) (outcome, error) {
	logs, rej := otlpconv.LogsFromProto(project, rls)
	for i := range logs {
		loglevel.Fill(&logs[i]) // records without a severity number: from their text, body or level attribute
	}
	return r.export(ctx, kindLog, project, rej, len(logs)+len(rej), &model.Batch{Logs: logs})
}

// exportMetrics converts and submits one request's data points.
func (r *Receiver) exportMetrics(ctx context.Context, project string, rms []*metricspb.ResourceMetrics) (outcome, error) {
	points, rej := otlpconv.MetricsFromProto(project, rms)
	return r.export(ctx, kindMetric, project, rej, len(points)+len(rej), &model.Batch{Metrics: points})
}

func (r *Receiver) export(ctx context.Context, kind, project string, rej []otlpconv.Rejection, total int, b *model.Batch) (outcome, error) {
	msgs := make([]string, 0, min(len(rej), maxMessages))
	for _, x := range rej {
		r.observe(kind, project, x.Service, x.Reason, x.Message, 1)
		if len(msgs) < maxMessages {
			msgs = append(msgs, x.Message)
		}
	}
	if b.Len() == 0 {
		if len(rej) == 0 {
			return outcome{}, nil
		}
		return outcome{}, &invalidError{summarize(kind, len(rej), total, msgs)}
	}
	res, err := r.sink.Submit(ctx, b)
	if err != nil {
		return outcome{}, fmt.Errorf("submit %d %s: %w", b.Len(), plural(kind, b.Len()), err)
	}
	n := len(rej)
	for _, x := range res.Rejected {
		if x.Kind != kind {
			continue
		}
		n++
		if len(msgs) < maxMessages {
			msgs = append(msgs, x.Message)
		}
	}
	if n == 0 {
		return outcome{}, nil
	}
	return outcome{rejected: int64(n), message: summarize(kind, n, total, msgs)}, nil
}

// summarize renders "2 of 5 spans rejected: <first problems>; and 1 more".
func summarize(kind string, n, total int, msgs []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d %s", n, total, plural(kind, total))
	b.WriteString(" rejected: ")
	b.WriteString(strings.Join(msgs, "; "))
	if more := n - len(msgs); more > 0 {
		fmt.Fprintf(&b, "; and %d more", more)
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD") // proto3 strings must be UTF-8
}

func plural(kind string, n int) string {
	switch kind {
	case kindLog:
		kind = "log record"
	case kindMetric:
		kind = "data point"
	}
	if n == 1 {
		return kind
	}
	return kind + "s"
}

func (r *Receiver) observe(kind, project, service, reason, msg string, n int) {
	if r.obs != nil {
		r.obs.Rejected(kind, project, service, reason, msg, n)
	}
}

// retryable reports whether a sink failure may succeed on resend.
func retryable(err error) bool { return pipeline.IsRetryable(err) }
