package queryapi

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"lookout/internal/logsearch"
	"lookout/internal/query/insights"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

// fakeRunner remembers the jobs it is given and answers one query, "q1".
type fakeRunner struct{ jobs []logsearch.Job }

func (f *fakeRunner) StartQuery(job logsearch.Job) (string, error) {
	f.jobs = append(f.jobs, job)
	return "q1", nil
}

func (f *fakeRunner) QueryResults(_, id string) (logsearch.QueryResults, error) {
	if id != "q1" {
		return logsearch.QueryResults{}, logsearch.ErrQueryNotFound
	}
	return logsearch.QueryResults{Status: logsearch.Complete, Rows: [][]insights.Field{{{Name: "c", Value: "3"}}},
		Stats: insights.Statistics{RecordsMatched: 3, RecordsScanned: 9, BytesScanned: 90}}, nil
}

func (f *fakeRunner) StopQuery(_, _ string) (bool, error) { return false, nil }

func (f *fakeRunner) Queries(logsearch.QueryList) []logsearch.QueryInfo {
	return []logsearch.QueryInfo{{ID: "q1", Text: "limit 1", Status: logsearch.Complete,
		Created: time.UnixMilli(1_700_000_000_000), Groups: []string{"/app"}}}
}

// fakeGroups knows the group "/app"; names are taken as they are, an
// identifier with its "arn:" prefix cut.
type fakeGroups struct{}

func (fakeGroups) Name(name, identifier *string) (string, error) {
	if identifier != nil {
		return strings.TrimPrefix(*identifier, "arn:"), nil
	}
	return *name, nil
}

func (fakeGroups) Check(_ context.Context, _ awsjson.Caller, name string) error {
	if name != "/app" {
		return store.ErrNotFound
	}
	return nil
}

// nilReader and nilDefs stand for the backends the Insights operations do
// not call.
type (
	nilReader struct{ Reader }
	nilDefs   struct{ QueryDefs }
)

// TestOperations runs each operation on a request body and checks the
// error code or the encoded answer.
func TestOperations(t *testing.T) {
	runner := &fakeRunner{}
	api, err := New(Config{}, Backends{Runner: runner, Reader: nilReader{}, QueryDefs: nilDefs{}, Groups: fakeGroups{}})
	if err != nil {
		t.Fatal(err)
	}
	ops := api.Operations()
	caller := awsjson.Caller{Project: "default", Region: "us-east-1"}
	for _, c := range []struct {
		name, op, body string
		code           string // awsjson error code; "" for success
		err            error  // a backend error passed through as it is
		contains       string // in the JSON answer or the error message
	}{
		{"start", "StartQuery", `{"logGroupName":"/app","startTime":10,"endTime":20,"queryString":"limit 5"}`, "", nil, `{"queryId":"q1"}`},
		{"start by identifiers", "StartQuery", `{"logGroupIdentifiers":["arn:/app"],"startTime":10,"endTime":20,"queryString":"limit 5"}`, "", nil, `"q1"`},
		{"no group", "StartQuery", `{"startTime":10,"endTime":20,"queryString":"limit 5"}`, "InvalidParameterException", nil, "exactly one of"},
		{"two kinds of group", "StartQuery", `{"logGroupName":"/app","logGroupNames":["/app"],"startTime":10,"endTime":20,"queryString":"limit 5"}`, "InvalidParameterException", nil, "exactly one of"},
		{"no times", "StartQuery", `{"logGroupName":"/app","queryString":"limit 5"}`, "InvalidParameterException", nil, "startTime and endTime are required"},
		{"end before start", "StartQuery", `{"logGroupName":"/app","startTime":20,"endTime":10,"queryString":"limit 5"}`, "InvalidParameterException", nil, "less than or equal"},
		{"other language", "StartQuery", `{"logGroupName":"/app","startTime":10,"endTime":20,"queryString":"x","queryLanguage":"SQL"}`, "InvalidParameterException", nil, "use CWLI"},
		{"syntax", "StartQuery", `{"logGroupName":"/app","startTime":10,"endTime":20,"queryString":"stats"}`, "MalformedQueryException", nil, "Query syntax error at"},
		{"unknown group", "StartQuery", `{"logGroupName":"/none","startTime":10,"endTime":20,"queryString":"limit 5"}`, "", store.ErrNotFound, ""},
		{"results", "GetQueryResults", `{"queryId":"q1"}`, "", nil,
			`{"status":"Complete","results":[[{"field":"c","value":"3"}]],"statistics":{"recordsMatched":3,"recordsScanned":9,"bytesScanned":90},"queryLanguage":"CWLI"}`},
		{"results without id", "GetQueryResults", `{}`, "InvalidParameterException", nil, "queryId is required"},
		{"results of an unknown query", "GetQueryResults", `{"queryId":"q9"}`, "", logsearch.ErrQueryNotFound, ""},
		{"stop", "StopQuery", `{"queryId":"q1"}`, "", nil, `{"success":false}`},
		{"describe", "DescribeQueries", `{}`, "", nil,
			`{"queries":[{"queryId":"q1","queryString":"limit 1","status":"Complete","createTime":1700000000000,"logGroupName":"/app","queryLanguage":"CWLI"}]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := ops[c.op](context.Background(), caller, []byte(c.body))
			var ae *awsjson.Error
			switch {
			case c.err != nil:
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
			case c.code != "":
				if !errors.As(err, &ae) || ae.Code != c.code || !strings.Contains(ae.Message, c.contains) {
					t.Fatalf("error %v, want %s with %q", err, c.code, c.contains)
				}
			default:
				raw, _ := json.Marshal(out)
				if err != nil || !strings.Contains(string(raw), c.contains) {
					t.Fatalf("%s %v, want %s", raw, err, c.contains)
				}
			}
		})
	}
	if len(runner.jobs) != 2 || runner.jobs[0].StartNano != 10e9 || runner.jobs[0].EndNano != 21e9 || runner.jobs[1].Groups[0] != "/app" {
		t.Errorf("jobs %+v: want two, over [10 s, 21 s) of /app", runner.jobs)
	}
}
