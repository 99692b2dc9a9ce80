package cwlogs

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"lookout/internal/query/insights"
)

// Logs Insights: StartQuery compiles the query (internal/query/insights)
// and runs it in the background over the events of the log groups in the
// time range (see insights_run.go); GetQueryResults reports its status,
// rows and statistics; StopQuery cancels it; DescribeQueries lists them.

const (
	maxQueryGroups = 50
	maxQueryChars  = 10_000
)

type startQueryInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupNames       []string `json:"logGroupNames"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	StartTime           *int64   `json:"startTime"` // epoch seconds
	EndTime             *int64   `json:"endTime"`
	QueryString         *string  `json:"queryString"`
	QueryLanguage       string   `json:"queryLanguage"`
	Limit               *int32   `json:"limit"`
}

type queryIDInput struct {
	QueryID *string `json:"queryId"`
}

type resultField struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

type queryStatistics struct {
	RecordsMatched float64 `json:"recordsMatched"`
	RecordsScanned float64 `json:"recordsScanned"`
	BytesScanned   float64 `json:"bytesScanned"`
}

type getQueryResultsOutput struct {
	Status        string          `json:"status"`
	Results       [][]resultField `json:"results"`
	Statistics    queryStatistics `json:"statistics"`
	QueryLanguage string          `json:"queryLanguage"`
}

type describeQueriesInput struct {
	LogGroupName *string `json:"logGroupName"`
	Status       string  `json:"status"`
	MaxResults   *int32  `json:"maxResults"`
}

type queryInfo struct {
	QueryID       string `json:"queryId"`
	QueryString   string `json:"queryString"`
	Status        string `json:"status"`
	CreateTime    int64  `json:"createTime"`
	LogGroupName  string `json:"logGroupName,omitempty"`
	QueryLanguage string `json:"queryLanguage"`
}

// addInsights registers StartQuery, GetQueryResults, StopQuery and
// DescribeQueries, backed by one query registry per handler.
func (h *Handler) addInsights() {
	m := newQueryRegistry(h.events, h.log, h.now, h.cfg.AccountID, defaultQueryLimits())
	h.ops["StartQuery"] = func(ctx context.Context, c *call, body []byte) (any, error) {
		return h.startQuery(ctx, m, c, body)
	}
	h.ops["GetQueryResults"] = m.getQueryResults
	h.ops["StopQuery"] = m.stopQuery
	h.ops["DescribeQueries"] = m.describeQueries
}

func (h *Handler) startQuery(ctx context.Context, m *queryRegistry, c *call, body []byte) (any, error) {
	var in startQueryInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	groups, err := queryGroups(in)
	if err != nil {
		return nil, err
	}
	if in.StartTime == nil || in.EndTime == nil {
		return nil, invalidParam("startTime and endTime are required")
	}
	if *in.StartTime < 0 || *in.EndTime < *in.StartTime {
		return nil, invalidParam("startTime must be less than or equal to endTime, and not negative")
	}
	if in.QueryLanguage != "" && in.QueryLanguage != "CWLI" {
		return nil, invalidParam("queryLanguage %s is not supported; use CWLI", in.QueryLanguage)
	}
	if in.QueryString == nil || len(*in.QueryString) > maxQueryChars {
		return nil, invalidParam("queryString is required and at most %d characters", maxQueryChars)
	}
	limit, err := checkLimit("limit", in.Limit, insights.MaxLimit, 0)
	if err != nil {
		return nil, err
	}
	q, err := insights.Parse(*in.QueryString)
	if err != nil {
		var se *insights.SyntaxError
		if errors.As(err, &se) {
			return nil, &apiError{"MalformedQueryException", http.StatusBadRequest,
				fmt.Sprintf("Query syntax error at %d-%d: %s", se.Start, se.End, se.Msg)}
		}
		return nil, err
	}
	for _, g := range groups {
		if _, err := h.meta.LogGroup(ctx, c.project, g); err != nil {
			return nil, groupErr(err)
		}
	}
	id, err := m.start(queryJob{project: c.project, text: *in.QueryString, query: q, groups: groups,
		startNano: *in.StartTime * 1e9, endNano: (*in.EndTime + 1) * 1e9, limit: limit})
	if err != nil {
		return nil, err
	}
	return struct {
		QueryID string `json:"queryId"`
	}{id}, nil
}

// queryGroups resolves logGroupName / logGroupNames / logGroupIdentifiers
// (exactly one of them) to group names.
func queryGroups(in startQueryInput) ([]string, error) {
	set := 0
	for _, ok := range []bool{in.LogGroupName != nil, len(in.LogGroupNames) > 0, len(in.LogGroupIdentifiers) > 0} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return nil, invalidParam("exactly one of logGroupName, logGroupNames and logGroupIdentifiers must be specified")
	}
	var out []string
	switch {
	case in.LogGroupName != nil:
		g, err := groupName(in.LogGroupName, nil)
		return []string{g}, err
	case len(in.LogGroupNames) > 0:
		for _, n := range in.LogGroupNames {
			g, err := groupName(&n, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
	default:
		for _, n := range in.LogGroupIdentifiers {
			g, err := groupName(nil, &n)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
		}
	}
	if len(out) > maxQueryGroups {
		return nil, invalidParam("a query covers at most %d log groups", maxQueryGroups)
	}
	return out, nil
}
