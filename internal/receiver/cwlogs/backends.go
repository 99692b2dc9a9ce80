package cwlogs

import (
	"context"
	"errors"

	"lookout/internal/logsearch"
	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// Backends are what the handler turns API calls into calls of; all are
// required.
type Backends struct {
	Sink Sink
	// Meta keeps log groups, streams, tags, retention policies and the
	// streams' figures.
	Meta store.LogGroups
	// Events deletes the events of deleted groups and streams.
	Events EventDeleter
	// Reader serves GetLogEvents and FilterLogEvents.
	Reader Reader
	// Insights runs the Logs Insights queries.
	Insights Insights
	// Retention applies a retention policy when it is set.
	Retention Expirer
}

func (b Backends) complete() error {
	if b.Sink == nil || b.Meta == nil || b.Events == nil || b.Reader == nil || b.Insights == nil || b.Retention == nil {
		return errors.New("cwlogs: every backend is required")
	}
	return nil
}

// Sink takes the events of PutLogEvents. Submit commits a batch durably
// before returning (items listed in the result's Rejected were refused); on
// error nothing is guaranteed committed and pipeline.IsRetryable tells
// whether a resend may succeed. Rejected records items refused before
// submission (kind "log"). *pipeline.Pipeline implements it.
type Sink interface {
	Submit(ctx context.Context, b *model.Batch) (pipeline.Result, error)
	Rejected(kind, project, service, reason, message string, n int)
}

// EventDeleter deletes the stored events of a log group, or of one of its
// streams when stream is set, with event time before beforeNano (0: all).
// store.LogGroupEvents implementations satisfy it.
type EventDeleter interface {
	DeleteGroupEvents(ctx context.Context, project, group, stream string, beforeNano int64) (int64, error)
}

// Reader reads the events of log groups a page at a time.
// *logsearch.Service implements it.
type Reader interface {
	// Stream reads a page of one stream in either direction.
	Stream(ctx context.Context, q logsearch.StreamQuery) (logsearch.StreamPage, error)
	// Filter reads a page of a group's events matching a filter pattern.
	Filter(ctx context.Context, q logsearch.FilterQuery) (logsearch.FilterPage, error)
}

// Insights runs Logs Insights queries in the background and keeps their
// results for a while. Unknown ids give logsearch.ErrQueryNotFound, too
// many active queries logsearch.ErrTooManyQueries. *logsearch.Service
// implements it.
type Insights interface {
	StartQuery(job logsearch.Job) (id string, err error)
	QueryResults(project, id string) (logsearch.QueryResults, error)
	StopQuery(project, id string) (stopped bool, err error)
	Queries(l logsearch.QueryList) []logsearch.QueryInfo
}

// Expirer deletes a log group's events older than days.
// *retention.LogGroups implements it.
type Expirer interface {
	ExpireGroup(ctx context.Context, project, group string, days int) error
}
