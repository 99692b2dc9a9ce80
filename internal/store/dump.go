package store

import (
	"context"
	"iter"
	"time"

	"lookout/internal/model"
)

// Dumper reads back everything a telemetry store holds, every project at
// once, a time range at a time: what copying one store into another (lookout
// migrate) reads. Each read streams; stopping the iteration early releases
// the query, and an error is yielded once, as the last element. Items that
// share the time the order is by come in an order the backend chooses.
type Dumper interface {
	// DumpSpans streams the spans that start in [start, end), ordered by
	// start time.
	DumpSpans(ctx context.Context, start, end time.Time) iter.Seq2[model.Span, error]
	// DumpLogs streams the log events whose time (the observed time when
	// the sender set none, model.LogEvent.EffectiveTimeUnixNano) is in
	// [start, end), ordered by that time.
	DumpLogs(ctx context.Context, start, end time.Time) iter.Seq2[model.LogEvent, error]
	// DumpMetricPoints streams the metric points whose time is in [start,
	// end), ordered by time.
	DumpMetricPoints(ctx context.Context, start, end time.Time) iter.Seq2[model.MetricPoint, error]
}

// MetaDumper lists what a metadata store holds in every project, and
// restores what its other writers cannot: what copying one metadata store
// into another (lookout migrate) needs besides the readers and writers of
// LogGroups, Documents and ErrorStore.
type MetaDumper interface {
	// ProjectNames lists, byte-wise ordered and once each, the projects
	// that a record of the store names: a project, a log group, a
	// document or an error item.
	ProjectNames(ctx context.Context) ([]string, error)
	// Tokens lists the access tokens of a project, by hash.
	Tokens(ctx context.Context, project string) ([]model.AccessToken, error)
	// AllDocuments lists the documents of every kind of a project, by kind
	// then name.
	AllDocuments(ctx context.Context, project string) ([]Document, error)
	// ImportItem stores it as the item of (it.Project, it.Fingerprint),
	// with or without occurrences, and returns the item as stored. A new
	// item gets an ID, its project's ID and it.Counter when no item of the
	// project has that counter (else the project's next counter, as
	// RecordOccurrences gives); an existing item keeps its ID and counter.
	// Every other field is it's, occurrence ids included (the caller names
	// occurrences of this store). Durable when it returns.
	ImportItem(ctx context.Context, it model.Item) (model.Item, error)
}
