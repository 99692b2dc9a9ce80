package otlp

import (
	"context"
	"fmt"
	"strings"

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

// export submits one request's converted items; rej are those refused in
// the conversion, total all there were.
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
	// b is not used after Submit, so that it is not held while the
	// batch waits for its commit: the sink keeps its own encoding.
	n := b.Len()
	res, err := r.sink.Submit(ctx, b)
	if err != nil {
		return outcome{}, fmt.Errorf("submit %d %s: %w", n, plural(kind, n), err)
	}
	n = len(rej)
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
