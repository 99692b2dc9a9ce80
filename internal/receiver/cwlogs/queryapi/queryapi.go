// Package queryapi serves the CloudWatch Logs operations that query log
// groups rather than page through them: Logs Insights (StartQuery compiles
// the query with internal/query/insights and hands it to the Runner, which
// runs it in the background; GetQueryResults, StopQuery, DescribeQueries;
// GetLogRecord expands a result's @ptr), saved queries
// (Put/Describe/DeleteQueryDefinition), field discovery
// (GetLogGroupFields) and StartLiveTail's event stream. It decodes each
// request, applies the rules the service's model cannot state (awsjson
// has checked the model's) and encodes the answers; package cwlogs serves
// these operations with its others and lends them its log group rules
// (Groups). The backends' errors are returned as they are, for cwlogs to
// map with every other operation's.
package queryapi

import (
	"context"
	"errors"
	"time"

	"lookout/internal/logsearch"
	"lookout/internal/query/insights"
	"lookout/internal/querydefs"
	"lookout/internal/receiver/awsjson"
)

// Runner runs Logs Insights queries in the background and keeps their
// results for a while. Unknown ids give logsearch.ErrQueryNotFound, too
// many active queries logsearch.ErrTooManyQueries. *logsearch.Service
// implements it.
type Runner interface {
	StartQuery(job logsearch.Job) (id string, err error)
	QueryResults(project, id string) (logsearch.QueryResults, error)
	StopQuery(project, id string) (stopped bool, err error)
	Queries(l logsearch.QueryList) []logsearch.QueryInfo
}

// Reader reads events for the operations. *logsearch.Service implements
// it.
type Reader interface {
	// Fields discovers the fields of a group's recent events.
	Fields(ctx context.Context, q logsearch.FieldsQuery) ([]logsearch.Field, error)
	// Tail follows the events arriving in groups until ctx ends.
	Tail(ctx context.Context, q logsearch.TailQuery, emit func(logsearch.TailUpdate) error) error
	// Record reads the event of a @ptr (logsearch.ErrBadPointer,
	// logsearch.ErrRecordNotFound).
	Record(ctx context.Context, project, ptr string) (insights.Event, error)
}

// QueryDefs keeps saved Logs Insights queries. *querydefs.Service
// implements it.
type QueryDefs interface {
	Put(ctx context.Context, project string, d querydefs.Definition) (string, error)
	List(ctx context.Context, project string) ([]querydefs.Definition, error)
	Delete(ctx context.Context, project, id string) error
}

// Groups is what the operations need of the API's log groups.
type Groups interface {
	// Name resolves logGroupName or logGroupIdentifier (a name or an ARN;
	// exactly one is set) to a group name, checked by the API's rules.
	Name(name, identifier *string) (string, error)
	// Check answers the API's ResourceNotFoundException when the caller's
	// project has no such group.
	Check(ctx context.Context, c awsjson.Caller, name string) error
}

// Backends are what the operations call; all are required.
type Backends struct {
	Runner    Runner
	Reader    Reader
	QueryDefs QueryDefs
	Groups    Groups
}

// Config configures the operations.
type Config struct {
	// AccountID is the account of @log in log records.
	AccountID string
	// LiveTailMax bounds a StartLiveTail session (0: 3 hours, the
	// service's limit); LiveTailEvery is how often a session polls the
	// store and reports (0: every second).
	LiveTailMax, LiveTailEvery time.Duration
	// Closed, once done, ends the live tail sessions in progress and
	// refuses new ones (nil: never).
	Closed context.Context
}

// API serves the operations; it is safe for concurrent use.
type API struct {
	cfg Config
	b   Backends
}

// New builds the operations over b.
func New(cfg Config, b Backends) (*API, error) {
	if b.Runner == nil || b.Reader == nil || b.QueryDefs == nil || b.Groups == nil {
		return nil, errors.New("queryapi: every backend is required")
	}
	if cfg.Closed == nil {
		cfg.Closed = context.Background()
	}
	return &API{cfg: cfg, b: b}, nil
}

// Operations returns the operations by name.
func (o *API) Operations() map[string]awsjson.Operation {
	return map[string]awsjson.Operation{
		"StartQuery":               o.startQuery,
		"GetQueryResults":          o.getQueryResults,
		"StopQuery":                o.stopQuery,
		"DescribeQueries":          o.describeQueries,
		"GetLogRecord":             o.getLogRecord,
		"GetLogGroupFields":        o.getLogGroupFields,
		"PutQueryDefinition":       o.putQueryDefinition,
		"DescribeQueryDefinitions": o.describeQueryDefinitions,
		"DeleteQueryDefinition":    o.deleteQueryDefinition,
	}
}

// Streaming returns the operations that answer with an event stream.
func (o *API) Streaming() map[string]awsjson.StreamOperation {
	return map[string]awsjson.StreamOperation{"StartLiveTail": o.startLiveTail}
}

// validationCode is the API's code for an invalid request.
const validationCode = "InvalidParameterException"

func invalidParam(format string, args ...any) error {
	return awsjson.Errorf(validationCode, format, args...)
}

// limitOr returns an optional page size (its range is the model's), or def
// when it is unset.
func limitOr(limit *int32, def int) int {
	if limit == nil {
		return def
	}
	return int(*limit)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var errBadToken = awsjson.Errorf(validationCode, "The specified nextToken is invalid.")
