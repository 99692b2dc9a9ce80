package queryapi

import (
	"context"
	"errors"

	"lookout/internal/logsearch"
	"lookout/internal/query/insights"
	"lookout/internal/receiver/awsjson"
)

// maxQueryGroups is how many log groups a query may cover.
const maxQueryGroups = 50

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

func (o *API) startQuery(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in startQueryInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	groups, err := o.queryGroups(in)
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
	if in.QueryString == nil { // the model requires it
		return nil, awsjson.Null(validationCode, "queryString")
	}
	limit := limitOr(in.Limit, 0)
	q, err := insights.Parse(*in.QueryString)
	if err != nil {
		var se *insights.SyntaxError
		if errors.As(err, &se) {
			return nil, awsjson.Errorf("MalformedQueryException", "Query syntax error at %d-%d: %s", se.Start, se.End, se.Msg)
		}
		return nil, err
	}
	for _, g := range groups {
		if err := o.b.Groups.Check(ctx, c, g); err != nil {
			return nil, err
		}
	}
	id, err := o.b.Runner.StartQuery(logsearch.Job{Project: c.Project, Text: *in.QueryString, Query: q, Groups: groups,
		StartNano: *in.StartTime * 1e9, EndNano: (*in.EndTime + 1) * 1e9, Limit: limit})
	if err != nil {
		return nil, err
	}
	return struct {
		QueryID string `json:"queryId"`
	}{id}, nil
}

// queryGroups resolves logGroupName / logGroupNames / logGroupIdentifiers
// (exactly one of them) to group names.
func (o *API) queryGroups(in startQueryInput) ([]string, error) {
	set := 0
	for _, ok := range []bool{in.LogGroupName != nil, len(in.LogGroupNames) > 0, len(in.LogGroupIdentifiers) > 0} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return nil, invalidParam("exactly one of logGroupName, logGroupNames and logGroupIdentifiers must be specified")
	}
	if in.LogGroupName != nil {
		g, err := o.b.Groups.Name(in.LogGroupName, nil)
		return []string{g}, err
	}
	var out []string
	for _, n := range in.LogGroupNames {
		g, err := o.b.Groups.Name(&n, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	for _, n := range in.LogGroupIdentifiers {
		g, err := o.b.Groups.Name(nil, &n)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if len(out) > maxQueryGroups {
		return nil, invalidParam("a query covers at most %d log groups", maxQueryGroups)
	}
	return out, nil
}

type queryIDInput struct {
	QueryID *string `json:"queryId"`
}

// queryID reads the queryId member GetQueryResults and StopQuery take.
func queryID(body []byte) (string, error) {
	var in queryIDInput
	if err := awsjson.Decode(body, &in); err != nil {
		return "", err
	}
	if in.QueryID == nil || *in.QueryID == "" {
		return "", invalidParam("queryId is required")
	}
	return *in.QueryID, nil
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

func (o *API) getQueryResults(_ context.Context, c awsjson.Caller, body []byte) (any, error) {
	id, err := queryID(body)
	if err != nil {
		return nil, err
	}
	r, err := o.b.Runner.QueryResults(c.Project, id)
	if err != nil {
		return nil, err
	}
	out := getQueryResultsOutput{Status: string(r.Status), Results: make([][]resultField, 0, len(r.Rows)), QueryLanguage: "CWLI",
		Statistics: queryStatistics{r.Stats.RecordsMatched, r.Stats.RecordsScanned, r.Stats.BytesScanned}}
	for _, row := range r.Rows {
		fs := make([]resultField, len(row))
		for i, f := range row {
			fs[i] = resultField{f.Name, f.Value}
		}
		out.Results = append(out.Results, fs)
	}
	return out, nil
}

// stopQuery cancels a Scheduled or Running query; success is false when
// it had already finished.
func (o *API) stopQuery(_ context.Context, c awsjson.Caller, body []byte) (any, error) {
	id, err := queryID(body)
	if err != nil {
		return nil, err
	}
	ok, err := o.b.Runner.StopQuery(c.Project, id)
	if err != nil {
		return nil, err
	}
	return struct {
		Success bool `json:"success"`
	}{ok}, nil
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

func (o *API) describeQueries(_ context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in describeQueriesInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	limit := limitOr(in.MaxResults, 1000)
	out := []queryInfo{}
	for _, q := range o.b.Runner.Queries(logsearch.QueryList{Project: c.Project, Group: in.LogGroupName,
		Status: logsearch.Status(in.Status), Limit: limit}) {
		out = append(out, queryInfo{QueryID: q.ID, QueryString: q.Text, Status: string(q.Status),
			CreateTime: q.Created.UnixMilli(), LogGroupName: q.Groups[0], QueryLanguage: "CWLI"})
	}
	return struct {
		Queries []queryInfo `json:"queries"`
	}{out}, nil
}
