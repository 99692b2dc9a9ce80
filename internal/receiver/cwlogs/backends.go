package cwlogs

import (
	"context"
	"errors"

	"lookout/internal/loggroups"
	"lookout/internal/logsearch"
	"lookout/internal/metricfilters"
	"lookout/internal/querydefs"
	"lookout/internal/receiver/cwlogs/metricfilterapi"
	"lookout/internal/receiver/cwlogs/queryapi"
	"lookout/internal/store"
)

// Backends are what the handler turns API calls into calls of; all are
// required.
type Backends struct {
	// Meta keeps log groups, streams, tags and retention policies.
	Meta store.LogGroups
	// Groups stores PutLogEvents' events, and deletes groups and streams
	// and sets retention policies together with the events they take.
	Groups Writer
	// Reader serves GetLogEvents, FilterLogEvents and queryapi's reads
	// (GetLogGroupFields, GetLogRecord, StartLiveTail).
	Reader Reader
	// Insights runs the Logs Insights queries.
	Insights queryapi.Runner
	// QueryDefs keeps the saved queries (query definitions); nil: kept by
	// querydefs in Meta's documents, when Meta keeps store.Documents.
	QueryDefs queryapi.QueryDefs
	// MetricFilters keeps the metric filters; nil: kept by metricfilters
	// in Meta's documents, when Meta keeps store.Documents.
	MetricFilters metricfilterapi.Filters
}

func (b *Backends) complete() error {
	if b.Meta == nil || b.Groups == nil || b.Reader == nil || b.Insights == nil {
		return errors.New("cwlogs: every backend is required")
	}
	docs, ok := b.Meta.(store.Documents)
	if (b.QueryDefs == nil || b.MetricFilters == nil) && !ok {
		return errors.New("cwlogs: QueryDefs and MetricFilters are required when Meta keeps no documents")
	}
	if b.QueryDefs == nil {
		b.QueryDefs = querydefs.New(docs, nil)
	}
	if b.MetricFilters == nil {
		b.MetricFilters = metricfilters.New(docs, nil, nil)
	}
	return nil
}

// Writer applies the writes that touch a group's events.
// *loggroups.Service implements it.
type Writer interface {
	// Append stores the events of a stream that CloudWatch Logs keeps and
	// tells which it refused; loggroups.ErrSpanTooLong when those to store
	// span more than 24 hours.
	Append(ctx context.Context, a loggroups.Append) (loggroups.Appended, error)
	// DeleteGroup, DeleteStream and SetRetention give store.ErrNotFound
	// for a missing group or stream.
	DeleteGroup(ctx context.Context, project, group string) error
	DeleteStream(ctx context.Context, project, group, stream string) error
	SetRetention(ctx context.Context, project, group string, days int) error
}

// Reader reads the events of log groups a page at a time.
// *logsearch.Service implements it.
type Reader interface {
	// Stream reads a page of one stream in either direction.
	Stream(ctx context.Context, q logsearch.StreamQuery) (logsearch.StreamPage, error)
	// Filter reads a page of a group's events matching a filter pattern.
	Filter(ctx context.Context, q logsearch.FilterQuery) (logsearch.FilterPage, error)
	queryapi.Reader
}
