// Package store declares what a storage backend promises. A store knows no wire
// protocol: it keeps model values and answers queries about them. Every backend
// passes the conformance suite in storetest.
package store

import (
	"context"
	"errors"
	"io"
	"iter"
	"time"

	"lookout/internal/model"
)

// ErrNotFound is returned when a looked-up object does not exist.
var ErrNotFound = errors.New("not found")

// ErrExists is returned when a created object already exists.
var ErrExists = errors.New("already exists")

// Writer commits batches.
type Writer interface {
	// Write commits every item of b, or returns an error. A nil error means
	// the data is durable: it survives a crash or kill -9 of the process.
	Write(ctx context.Context, b *model.Batch) error
}

// TraceReader answers trace questions.
type TraceReader interface {
	// Trace returns every stored span of the trace, ordered by start time;
	// ErrNotFound when there is none.
	Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error)
	// SearchTraces returns summaries of matching traces, newest first.
	SearchTraces(ctx context.Context, q TraceQuery) ([]TraceSummary, error)
	// Services lists the services that sent spans or logs in [Start, End).
	Services(ctx context.Context, project string, start, end time.Time) ([]ServiceStat, error)
}

// LogReader answers log questions.
type LogReader interface {
	// Logs streams matching log events in time order (newest first when
	// q.Descending). Stopping the iteration early releases the query.
	Logs(ctx context.Context, q LogQuery) iter.Seq2[model.LogEvent, error]
}

// Partitioned stores keep data in time partitions that can be dropped whole, so
// that expiry gives disk back.
type Partitioned interface {
	// Partitions lists the partitions, oldest first.
	Partitions(ctx context.Context) ([]Partition, error)
	// DropPartition deletes a partition and reclaims its disk space.
	DropPartition(ctx context.Context, name string) error
}

// Usage reports what is stored, for status pages and budgets.
type Usage interface {
	Usage(ctx context.Context) ([]UsageRow, error)
}

// Store is a complete telemetry backend: spans, log events and metric
// points, their queries, the CloudWatch view of log groups' events, and the
// partitions retention drops.
type Store interface {
	Writer
	TraceReader
	TraceScanner
	LogReader
	MetricReader
	LogGroupEvents
	Querier
	TraceFinder
	Partitioned
	Usage
	io.Closer
}

// Meta is a complete metadata backend: the small, mutable records that are
// not telemetry (log groups and streams, configuration documents, error
// items and occurrences, projects and access tokens, X-Ray groups). Every
// write is durable when it returns.
type Meta interface {
	LogGroups
	Documents
	ErrorStore
	XRayGroups
	io.Closer
}

// Tag is one key=value condition of a trace search. Key "name" matches the span
// name, "status" the status ("unset", "ok", "error"), any other key a span or
// resource attribute rendered as text.
type Tag struct {
	Key   string
	Value string
}

// TraceQuery selects traces. A trace matches when one of its spans satisfies
// every tag, it overlaps [Start, End) (its first start is before End and its
// last end is at or after Start) and its duration (first start to last end)
// is within [MinDuration, MaxDuration]. Zero values mean "no bound". A
// "service.name" tag matches the span's service, so "unknown_service" works.
type TraceQuery struct {
	Project     string
	Start, End  time.Time
	MinDuration time.Duration
	MaxDuration time.Duration
	Tags        []Tag
	Limit       int // 0 means the backend's default (20)
}

// TraceSummary is one search hit. The root is the span without a parent, or
// the earliest span when the root has not arrived.
type TraceSummary struct {
	TraceID         model.TraceID
	RootServiceName string
	RootTraceName   string
	StartUnixNano   int64
	DurationNano    int64
	SpanCount       int64
	ErrorCount      int64 // spans with status error
}

// LogQuery selects log events. Zero values mean "no filter".
type LogQuery struct {
	Project     string
	Start, End  time.Time
	Service     string
	LogGroup    string // CloudWatch Logs group, when set
	LogStream   string // CloudWatch Logs stream, when set
	MinSeverity int32  // keep events with SeverityNumber >= MinSeverity
	TraceID     model.TraceID
	Text        string // case-insensitive substring of the body
	Limit       int    // 0 means the backend's default (100)
	Descending  bool
}

// ServiceStat summarises one service.
type ServiceStat struct {
	Name      string
	SpanCount int64
	LogCount  int64
}

// Partition is one droppable time slice of the store.
type Partition struct {
	Name       string
	Start, End time.Time
	Bytes      int64
}

// UsageRow is the stored volume of one kind ("spans", "logs", "metrics":
// metric points) of one service. Bytes may be an estimate where the backend
// cannot attribute disk exactly.
type UsageRow struct {
	Project      string
	Kind         string
	Service      string
	Rows         int64
	Bytes        int64
	LastUnixNano int64 // the newest item's time
}
