// Package insightsapi serves the Logs Insights operations of the
// CloudWatch Logs API: StartQuery compiles the query
// (internal/query/insights) and hands it to the Runner, which runs it in
// the background; GetQueryResults reports its status, rows and statistics;
// StopQuery cancels it; DescribeQueries lists them. It decodes and
// validates each request as the service does and encodes the answers;
// package cwlogs serves these operations with its others and lends them its
// log group rules (Groups). The Runner's errors are returned as they are,
// for cwlogs to map with every other operation's.
package insightsapi

import (
	"context"

	"lookout/internal/logsearch"
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

// Groups is what the operations need of the API's log groups.
type Groups interface {
	// Name resolves logGroupName or logGroupIdentifier (a name or an ARN;
	// exactly one is set) to a group name, checked by the API's rules.
	Name(name, identifier *string) (string, error)
	// Check answers the API's ResourceNotFoundException when the caller's
	// project has no such group.
	Check(ctx context.Context, c awsjson.Caller, name string) error
}

// validationCode is the API's code for an invalid request.
const validationCode = "InvalidParameterException"

// Operations returns the operations by name, over r and g.
func Operations(r Runner, g Groups) map[string]awsjson.Operation {
	o := operations{runner: r, groups: g}
	return map[string]awsjson.Operation{
		"StartQuery":      o.startQuery,
		"GetQueryResults": o.getQueryResults,
		"StopQuery":       o.stopQuery,
		"DescribeQueries": o.describeQueries,
	}
}

// operations serves the calls.
type operations struct {
	runner Runner
	groups Groups
}

func invalidParam(format string, args ...any) error {
	return awsjson.Errorf(validationCode, format, args...)
}

func checkLimit(member string, limit *int32, max, def int) (int, error) {
	return awsjson.Limit(validationCode, member, limit, max, def)
}
