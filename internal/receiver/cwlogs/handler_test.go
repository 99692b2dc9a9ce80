package cwlogs

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lookout/internal/receiver/awsjson"
)

// post sends one API call and returns the status and decoded body.
func (e *env) post(t *testing.T, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", awsjson.ContentType)
	if op != "" {
		req.Header.Set("X-Amz-Target", targetPrefix+op)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: body %q: %v", op, raw, err)
	}
	return resp.StatusCode, out
}

// scenario is one API call and what must come back: the status, the error
// __type ("" for success) and substrings of the JSON body.
type scenario struct {
	name, op, body string
	status         int
	errType        string
	contains       []string
}

func runScenarios(t *testing.T, e *env, cases []scenario) {
	t.Helper()
	for _, c := range cases {
		status, out := e.post(t, c.op, c.body)
		raw, _ := json.Marshal(out)
		if status != c.status || fmt.Sprint(out["__type"]) != c.errType && !(c.errType == "" && out["__type"] == nil) {
			t.Errorf("%s: status %d body %s, want %d %q", c.name, status, raw, c.status, c.errType)
			continue
		}
		for _, s := range c.contains {
			if !strings.Contains(string(raw), s) {
				t.Errorf("%s: body %s lacks %q", c.name, raw, s)
			}
		}
	}
}

func TestScenarios(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UnixMilli()
	ev := func(ms int64, msg string) string { return fmt.Sprintf(`{"timestamp":%d,"message":%q}`, ms, msg) }
	runScenarios(t, e, []scenario{
		{"unknown op", "Frobnicate", `{}`, 400, "UnknownOperationException", []string{`operation \"Logs_20140328.Frobnicate\" is not supported`}},
		{"no target", "", `{}`, 400, "UnknownOperationException", []string{"X-Amz-Target header is missing"}},
		{"bad json", "CreateLogGroup", `{"logGroupName":`, 400, "SerializationException", nil},
		{"wrong type", "CreateLogGroup", `{"logGroupName":5}`, 400, "SerializationException", nil},
		{"bad group name", "CreateLogGroup", `{"logGroupName":"a b"}`, 400, "InvalidParameterException", []string{"regular expression pattern"}},
		{"long group name", "CreateLogGroup", `{"logGroupName":"` + strings.Repeat("a", 513) + `"}`, 400, "InvalidParameterException", []string{"length"}},
		{"reserved", "CreateLogGroup", `{"logGroupName":"aws/x"}`, 400, "InvalidParameterException", nil},
		{"create", "CreateLogGroup", `{"logGroupName":"g1","tags":{"team":"web"}}`, 200, "", nil},
		{"create again", "CreateLogGroup", `{"logGroupName":"g1"}`, 400, "ResourceAlreadyExistsException", nil},
		{"create g2", "CreateLogGroup", `{"logGroupName":"g2"}`, 200, "", nil},
		{"create h", "CreateLogGroup", `{"logGroupName":"h-G1"}`, 200, "", nil},
		{"describe prefix", "DescribeLogGroups", `{"logGroupNamePrefix":"g"}`, 200, "", []string{`"g1"`, `"g2"`, `"arn:aws:logs:us-east-1:000000000000:log-group:g1:*"`}},
		{"describe pattern", "DescribeLogGroups", `{"logGroupNamePattern":"g1"}`, 200, "", []string{`"h-G1"`, `"g1"`}},
		{"describe both", "DescribeLogGroups", `{"logGroupNamePattern":"g","logGroupNamePrefix":"g"}`, 400, "InvalidParameterException", nil},
		{"describe page", "DescribeLogGroups", `{"limit":1}`, 200, "", []string{`"nextToken"`}},
		{"describe limit", "DescribeLogGroups", `{"limit":51}`, 400, "InvalidParameterException", nil},
		{"stream in missing group", "CreateLogStream", `{"logGroupName":"nope","logStreamName":"s"}`, 400, "ResourceNotFoundException", []string{"log group does not exist"}},
		{"bad stream name", "CreateLogStream", `{"logGroupName":"g1","logStreamName":"a:b"}`, 400, "InvalidParameterException", []string{"[^:*]*"}},
		{"stream", "CreateLogStream", `{"logGroupName":"g1","logStreamName":"s1"}`, 200, "", nil},
		{"stream again", "CreateLogStream", `{"logGroupName":"g1","logStreamName":"s1"}`, 400, "ResourceAlreadyExistsException", nil},
		{"stream 2", "CreateLogStream", `{"logGroupName":"g1","logStreamName":"s2"}`, 200, "", nil},
		{"put missing stream", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"zz","logEvents":[` + ev(now, "x") + `]}`, 400, "ResourceNotFoundException", []string{"log stream does not exist"}},
		{"put empty", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","logEvents":[]}`, 400, "InvalidParameterException", nil},
		{"put empty message", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","logEvents":[` + ev(now, "") + `]}`, 400, "InvalidParameterException", nil},
		{"put unsorted", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","logEvents":[` + ev(now, "b") + `,` + ev(now-1, "a") + `]}`, 400, "InvalidParameterException", []string{"chronological"}},
		{"put span", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","logEvents":[` + ev(now-25*3600e3, "a") + `,` + ev(now, "b") + `]}`, 400, "InvalidParameterException", []string{"24 hours"}},
		{"put too big", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","logEvents":[` + ev(now, strings.Repeat("x", 600_000)) + `,` + ev(now, strings.Repeat("x", 600_000)) + `]}`, 400, "InvalidParameterException", []string{"Upload too large"}},
		{"put", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","sequenceToken":"whatever","logEvents":[` + ev(now-1000, "hello 1-5759e988-bd862e3fe1be46a994272793") + `,` + ev(now, `{"level":"ERROR","status":500}`) + `]}`, 200, "", []string{"nextSequenceToken"}},
		{"put s2", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s2","logEvents":[` + ev(now-500, "other stream ERROR") + `]}`, 200, "", nil},
		{"put all rejected", "PutLogEvents", `{"logGroupName":"g1","logStreamName":"s1","logEvents":[` + ev(now+3*3600e3, "future") + `]}`, 200, "", []string{`"tooNewLogEventStartIndex":0`}},
		{"get no stream", "GetLogEvents", `{"logGroupName":"g1"}`, 400, "InvalidParameterException", nil},
		{"get bad token", "GetLogEvents", `{"logGroupName":"g1","logStreamName":"s1","nextToken":"zz"}`, 400, "InvalidParameterException", nil},
		{"get", "GetLogEvents", `{"logGroupName":"g1","logStreamName":"s1","startFromHead":true}`, 200, "", []string{"hello", `"f/`, `"b/`}},
		{"get by arn", "GetLogEvents", `{"logGroupIdentifier":"arn:aws:logs:us-east-1:000000000000:log-group:g1","logStreamName":"s1"}`, 200, "", []string{"hello"}},
		{"filter json", "FilterLogEvents", `{"logGroupName":"g1","filterPattern":"{ $.status = 5* }"}`, 200, "", []string{`\"level\"`, `"searchedLogStreams"`}},
		{"filter terms", "FilterLogEvents", `{"logGroupName":"g1","filterPattern":"ERROR -level"}`, 200, "", []string{"other stream ERROR"}},
		{"filter names", "FilterLogEvents", `{"logGroupName":"g1","logStreamNames":["s2"]}`, 200, "", []string{"other stream"}},
		{"filter both", "FilterLogEvents", `{"logGroupName":"g1","logStreamNames":["s2"],"logStreamNamePrefix":"s"}`, 400, "InvalidParameterException", nil},
		{"filter bad pattern", "FilterLogEvents", `{"logGroupName":"g1","filterPattern":"{ $.a = "}`, 400, "InvalidParameterException", []string{"filter pattern"}},
		{"filter missing", "FilterLogEvents", `{"logGroupName":"nope"}`, 400, "ResourceNotFoundException", nil},
		{"streams by time", "DescribeLogStreams", `{"logGroupName":"g1","orderBy":"LastEventTime","descending":true}`, 200, "", []string{`"s1"`, `"lastEventTimestamp"`}},
		{"streams prefix+time", "DescribeLogStreams", `{"logGroupName":"g1","orderBy":"LastEventTime","logStreamNamePrefix":"s"}`, 400, "InvalidParameterException", nil},
		{"streams page", "DescribeLogStreams", `{"logGroupName":"g1","limit":1}`, 200, "", []string{`"nextToken"`, `"s1"`}},
		{"streams missing group", "DescribeLogStreams", `{"logGroupName":"nope"}`, 400, "ResourceNotFoundException", nil},
		{"retention bad", "PutRetentionPolicy", `{"logGroupName":"g1","retentionInDays":2}`, 400, "InvalidParameterException", []string{"enum"}},
		{"retention", "PutRetentionPolicy", `{"logGroupName":"g1","retentionInDays":7}`, 200, "", nil},
		{"retention shown", "DescribeLogGroups", `{"logGroupNamePrefix":"g1"}`, 200, "", []string{`"retentionInDays":7`}},
		{"retention missing", "PutRetentionPolicy", `{"logGroupName":"nope","retentionInDays":7}`, 400, "ResourceNotFoundException", nil},
		{"retention delete", "DeleteRetentionPolicy", `{"logGroupName":"g1"}`, 200, "", nil},
		{"tag", "TagResource", `{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:g1","tags":{"env":"dev"}}`, 200, "", nil},
		{"list tags", "ListTagsForResource", `{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:g1"}`, 200, "", []string{`"env":"dev"`, `"team":"web"`}},
		{"untag", "UntagResource", `{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:g1","tagKeys":["team"]}`, 200, "", nil},
		{"list tags old", "ListTagsLogGroup", `{"logGroupName":"g1"}`, 200, "", []string{`{"tags":{"env":"dev"}}`}},
		{"tag bad arn", "TagResource", `{"resourceArn":"arn:aws:s3:::bucket","tags":{"a":"b"}}`, 400, "InvalidParameterException", nil},
		{"delete stream", "DeleteLogStream", `{"logGroupName":"g1","logStreamName":"s2"}`, 200, "", nil},
		{"delete stream again", "DeleteLogStream", `{"logGroupName":"g1","logStreamName":"s2"}`, 400, "ResourceNotFoundException", nil},
		{"delete group", "DeleteLogGroup", `{"logGroupName":"g1"}`, 200, "", nil},
		{"delete group again", "DeleteLogGroup", `{"logGroupName":"g1"}`, 400, "ResourceNotFoundException", nil},
		{"recreate", "CreateLogGroup", `{"logGroupName":"g1"}`, 200, "", nil},
		{"recreate stream", "CreateLogStream", `{"logGroupName":"g1","logStreamName":"s1"}`, 200, "", nil},
		{"old events gone", "GetLogEvents", `{"logGroupName":"g1","logStreamName":"s1"}`, 200, "", []string{`"events":[]`}},
	})
}
