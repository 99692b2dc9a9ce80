package otlpconv

import (
	"fmt"
	"math"
	"strings"
)

// Rejection is one item (span, log record or metric data point) that could
// not be converted.
type Rejection struct {
	// Index is the item's position in the request, counting every span (or
	// every log record, or every data point) across all resources and
	// scopes, from 0.
	Index int
	// Service is the service.name of the item's resource (model.UnknownService
	// when unset).
	Service string
	// Reason is a short category for metrics, e.g. "invalid_trace_id".
	Reason string
	// Message names the item and what was wrong with it, for the client.
	Message string
}

// Reasons a span, log record or data point is refused.
const (
	ReasonInvalidTraceID = "invalid_trace_id"
	ReasonInvalidSpanID  = "invalid_span_id"
	ReasonInvalidParent  = "invalid_parent_span_id"
	ReasonInvalidTime    = "invalid_timestamp"
	ReasonEndBeforeStart = "end_before_start"
	ReasonInvalidLink    = "invalid_link"
	// Data points only.
	ReasonInvalidHistogram = "invalid_histogram"
	ReasonInvalidExemplar  = "invalid_exemplar"
)

// problem is a validation failure before it is tied to an item.
type problem struct{ reason, msg string }

func (p *problem) prefixed(prefix string) *problem {
	return &problem{reason: p.reason, msg: prefix + p.msg}
}

// nanos converts an OTLP timestamp; values beyond int64 (after the year 2262)
// are refused rather than wrapped.
func nanos(field string, u uint64) (int64, *problem) {
	if u > math.MaxInt64 {
		return 0, &problem{ReasonInvalidTime, fmt.Sprintf("%s %d is beyond the year 2262", field, u)}
	}
	return int64(u), nil
}

// describe renders "span 3 \"GET /\" (scope \"x\")" for messages.
func describe(kind string, index int, name, scope string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d", kind, index)
	if name != "" {
		fmt.Fprintf(&b, " %q", truncate(name))
	}
	if scope != "" {
		fmt.Fprintf(&b, " of scope %q", truncate(scope))
	}
	return b.String()
}

// truncate keeps messages short when a sender puts huge strings in names.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
