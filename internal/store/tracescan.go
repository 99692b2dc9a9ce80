package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// TraceScanner reads many traces at once, for trace-level APIs (the X-Ray
// read API, trace lint, segment naming). Like Querier, it honours ctx.
type TraceScanner interface {
	// TraceStarts returns up to q.Limit traces that have a span starting in
	// [q.Start, q.End) (of q.Service, when set), newest first: each with the
	// earliest start of its spans in the window. Traces that start at the same
	// time come in an order of their ids the backend keeps the same from call
	// to call, so q.After (the last trace of the previous page) resumes a
	// listing without gaps or repeats.
	TraceStarts(ctx context.Context, q TraceStartQuery) ([]query.TraceRef, error)
	// SpansOfTraces returns the spans of the given traces, grouped by trace
	// in the order of ids and ordered by start time (then span id) within
	// one; an unknown id gets an empty group. Attributes that trim names are
	// left out of every span.
	SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim SpanTrim) ([][]model.Span, error)
	// ServerSpanNames counts the SERVER spans starting in [start, end) by
	// service, name, instance, request host and sender (and scope), ordered
	// by those five: where a service's span names came from.
	ServerSpanNames(ctx context.Context, project string, start, end time.Time) ([]NameCount, error)
}

// TraceStartQuery selects traces by when their spans start. Zero times mean
// "no bound"; Limit must be positive.
type TraceStartQuery struct {
	Project    string
	Service    string
	Start, End time.Time
	After      *query.TraceRef
	Limit      int
}

// SpanTrim names attributes a bulk read leaves out: large texts that
// summaries, filters and lints do without. Keys are exact attribute keys,
// Prefixes match the start of a key.
type SpanTrim struct {
	Keys     []string
	Prefixes []string
}

// Drops reports whether trim leaves out the attribute key.
func (t SpanTrim) Drops(key string) bool {
	return slices.Contains(t.Keys, key) ||
		slices.ContainsFunc(t.Prefixes, func(p string) bool { return strings.HasPrefix(key, p) })
}

// NameCount is how often SERVER spans with one name were seen for one
// resource identity and request host.
type NameCount struct {
	Service string // the resource's service.name
	Name    string // the span name (for an X-Ray segment, the segment name)
	// Instance is the first of the resource's host.id, container.id,
	// k8s.pod.name and service.instance.id that is set, else "".
	Instance string
	URLHost  string // host[:port] of the url.full attribute, else ""
	// Source is the resource's xray.udp.source: the address an X-Ray
	// segment's datagram came from, else "".
	Source   string
	Scope    string // instrumentation scope name
	Count    int64
	LastNano int64 // the newest start
}
