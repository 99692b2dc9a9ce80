package store

import (
	"context"
	"iter"
	"lookout/internal/query"
)

// LogGroup is the metadata of one CloudWatch Logs log group. Times are epoch
// milliseconds, as in the CloudWatch API.
type LogGroup struct {
	Project        string
	Name           string
	CreationMillis int64
	RetentionDays  int    // 0: never expire
	Class          string // "STANDARD" when created without one
	KMSKeyID       string
	Tags           map[string]string
	StoredBytes    int64 // Σ StoredBytes of its streams
}

// LogStream is the metadata of one log stream and what it holds. Event times
// are 0 until the stream has events.
type LogStream struct {
	Project             string
	Group               string
	Name                string
	CreationMillis      int64
	FirstEventMillis    int64
	LastEventMillis     int64
	LastIngestionMillis int64
	StoredBytes         int64 // Σ UTF-8 bytes of the messages stored
	Events              int64
}

// LogGroupList selects log groups, ordered by name (byte-wise, as
// CloudWatch does). Prefix matches the start of the name, Pattern a
// case-insensitive substring, both literally; After resumes a listing after
// that name.
type LogGroupList struct {
	Project string
	Prefix  string
	Pattern string
	After   string
	Limit   int // 0: no limit
}

// LogStreamList selects the streams of one group, ordered by name (byte-wise)
// or, with ByLastEvent, by (LastEventMillis, Name); Prefix matches
// literally. After resumes a listing after the stream (AfterMillis, After)
// in the chosen order and direction.
type LogStreamList struct {
	Project     string
	Group       string
	Prefix      string
	ByLastEvent bool
	Descending  bool
	After       string
	AfterMillis int64
	Limit       int // 0: no limit
}

// LogGroups keeps log groups and streams: the mutable metadata of the
// CloudWatch Logs API. Missing objects give ErrNotFound, creating an existing
// one ErrExists (both wrapped).
type LogGroups interface {
	CreateLogGroup(ctx context.Context, g LogGroup) error
	// DeleteLogGroup removes the group, its streams and its tags.
	DeleteLogGroup(ctx context.Context, project, name string) error
	LogGroup(ctx context.Context, project, name string) (LogGroup, error)
	ListLogGroups(ctx context.Context, q LogGroupList) ([]LogGroup, error)
	// RetainedLogGroups lists the groups of every project that have a
	// retention policy.
	RetainedLogGroups(ctx context.Context) ([]LogGroup, error)
	// SetRetention sets the retention in days; 0 removes the policy.
	SetRetention(ctx context.Context, project, name string, days int) error
	// TagLogGroup adds or replaces tags; UntagLogGroup removes keys.
	TagLogGroup(ctx context.Context, project, name string, tags map[string]string) error
	UntagLogGroup(ctx context.Context, project, name string, keys []string) error

	// CreateLogStream adds a stream with no events; ErrNotFound when its
	// group does not exist.
	CreateLogStream(ctx context.Context, s LogStream) error
	DeleteLogStream(ctx context.Context, project, group, name string) error
	LogStream(ctx context.Context, project, group, name string) (LogStream, error)
	ListLogStreams(ctx context.Context, q LogStreamList) ([]LogStream, error)
	// RecordLogEvents folds what a committed batch added to a stream into its
	// figures: first/last event and last ingestion times widen, counts and
	// bytes add up. A stream deleted meanwhile is left alone (no error).
	RecordLogEvents(ctx context.Context, add LogStream) error
	// ResetLogStreamStats replaces the figures of the given streams (after
	// expiry deleted events); streams of the group not listed become empty.
	// LastIngestionMillis never goes back: expiry does not change when a
	// stream last took events.
	ResetLogStreamStats(ctx context.Context, project, group string, stats []LogStream) error
}

// EventPosition is a place in the order CloudWatch events are read in:
// event time, then ingestion (observed) time, then stream name. The
// ingestion time a receiver stamps is unique per event, so a position names
// one event.
type EventPosition struct {
	TimeNano     int64
	ObservedNano int64
	Stream       string
}

// Less reports whether p comes before q.
func (p EventPosition) Less(q EventPosition) bool {
	if p.TimeNano != q.TimeNano {
		return p.TimeNano < q.TimeNano
	}
	if p.ObservedNano != q.ObservedNano {
		return p.ObservedNano < q.ObservedNano
	}
	return p.Stream < q.Stream
}

// GroupEvent is one stored event of a log group as CloudWatch shows it.
type GroupEvent struct {
	EventPosition
	Message string
}

// GroupEventQuery selects events of one log group. Streams restricts to
// those streams, StreamPrefix to names starting with it. [StartNano,
// EndNano) bounds the event time (0: unbounded). After/Before (exclusive)
// resume a scan; Contains lists substrings that must all be in the message
// (case-sensitive). Results are ascending, or descending with Descending.
type GroupEventQuery struct {
	Project      string
	Group        string
	Streams      []string
	StreamPrefix string
	StartNano    int64
	EndNano      int64
	After        *EventPosition
	Before       *EventPosition
	Contains     []string
	// Match, when set, is a condition on the message the store evaluates
	// too (a filter pattern compiled to the query layer's TextMatch). A
	// backend without JSON functions may leave its JSON conditions
	// undecided and answer a superset; callers that need the exact answer
	// re-check each event with the pattern (internal/logsearch does).
	Match      *query.TextMatch
	Descending bool
	Limit      int // 0: no limit
}

// LogGroupEvents reads and expires the events of CloudWatch log groups.
type LogGroupEvents interface {
	// GroupEvents streams the matching events; stopping early releases the
	// query, an error is yielded once as the last element.
	GroupEvents(ctx context.Context, q GroupEventQuery) iter.Seq2[GroupEvent, error]
	// DeleteGroupEvents deletes the events of the group (of one stream when
	// stream is set) with event time before beforeNano (0: all) and reports
	// how many went.
	DeleteGroupEvents(ctx context.Context, project, group, stream string, beforeNano int64) (int64, error)
	// GroupStreamStats computes each stream's figures from the stored events.
	GroupStreamStats(ctx context.Context, project, group string) ([]LogStream, error)
}
