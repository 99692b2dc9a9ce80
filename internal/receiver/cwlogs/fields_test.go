package cwlogs

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestGetLogGroupFields(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	ev := func(ms int64, msg string) string { return fmt.Sprintf(`{"timestamp":%d,"message":%q}`, ms, msg) }
	runScenarios(t, e, []scenario{
		{"group", "CreateLogGroup", `{"logGroupName":"fg"}`, 200, "", nil},
		{"stream", "CreateLogStream", `{"logGroupName":"fg","logStreamName":"s"}`, 200, "", nil},
		{"put", "PutLogEvents", `{"logGroupName":"fg","logStreamName":"s","logEvents":[` + ev(now.Add(-time.Minute).UnixMilli(), `{"level":"INFO","http":{"status":200}}`) + `,` + ev(now.UnixMilli(), "plain") + `]}`, 200, "", nil},
		{"fields", "GetLogGroupFields", `{"logGroupName":"fg"}`, 200, "", []string{
			`{"name":"@message","percent":100}`, `{"name":"@timestamp","percent":100}`, `{"name":"@logStream","percent":100}`,
			`{"name":"http.status","percent":50}`, `{"name":"level","percent":50}`}},
		{"by arn", "GetLogGroupFields", `{"logGroupIdentifier":"arn:aws:logs:us-east-1:000000000000:log-group:fg"}`, 200, "", []string{`"level"`}},
		{"time before the events", "GetLogGroupFields", fmt.Sprintf(`{"logGroupName":"fg","time":%d}`, now.Add(-time.Hour).Unix()), 200, "", []string{`{"logGroupFields":[]}`}},
		{"negative time", "GetLogGroupFields", `{"logGroupName":"fg","time":-1}`, 400, "InvalidParameterException", []string{"greater than or equal to 0"}},
		{"no group", "GetLogGroupFields", `{}`, 400, "InvalidParameterException", nil},
		{"both", "GetLogGroupFields", `{"logGroupName":"fg","logGroupIdentifier":"fg"}`, 400, "InvalidParameterException", nil},
		{"bad name", "GetLogGroupFields", `{"logGroupName":"a b"}`, 400, "InvalidParameterException", []string{"regular expression"}},
		{"long name", "GetLogGroupFields", `{"logGroupName":"` + strings.Repeat("a", 513) + `"}`, 400, "InvalidParameterException", []string{"length"}},
		{"missing", "GetLogGroupFields", `{"logGroupName":"nope"}`, 400, "ResourceNotFoundException", []string{"log group does not exist"}},
		{"wrong type", "GetLogGroupFields", `{"logGroupName":"fg","time":"x"}`, 400, "SerializationException", nil},
	})
}
