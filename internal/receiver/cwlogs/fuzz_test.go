package cwlogs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzRequest sends arbitrary bodies to every operation: the handler must
// answer in the API's shape (never a panic, never a 5xx other than 503).
func FuzzRequest(f *testing.F) {
	seeds := []struct{ op, body string }{
		{"CreateLogGroup", `{"logGroupName":"g"}`},
		{"CreateLogStream", `{"logGroupName":"g","logStreamName":"s"}`},
		{"PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1700000000000,"message":"m"}]}`},
		{"GetLogEvents", `{"logGroupName":"g","logStreamName":"s","nextToken":"f/00000000000000000000000000000000000000000000000000000000/s"}`},
		{"FilterLogEvents", `{"logGroupName":"g","filterPattern":"{ $.a = 1 }","nextToken":"MTox"}`},
		{"DescribeLogGroups", `{"limit":5,"nextToken":"Zw"}`},
		{"DescribeLogStreams", `{"logGroupName":"g","orderBy":"LastEventTime"}`},
		{"PutRetentionPolicy", `{"logGroupName":"g","retentionInDays":1}`},
		{"TagResource", `{"resourceArn":"arn:aws:logs:r:1:log-group:g","tags":{"a":"b"}}`},
		{"GetLogGroupFields", `{"logGroupName":"g","time":1700000000}`},
		{"StartLiveTail", `{"logGroupIdentifiers":["g"],"logStreamNamePrefixes":["s"],"logEventFilterPattern":"ERROR"}`},
		{"ListLogGroups", `{"logGroupNamePattern":"^abc|def","logGroupTags":[{"key":"k","values":["v"]}],"nextToken":"Zw"}`},
		{"DescribeLogGroups", `{"logGroupIdentifiers":["arn:aws:logs:r:1:log-group:g"]}`},
		{"PutQueryDefinition", `{"name":"q","queryString":"fields @message","parameters":[{"name":"p"}]}`},
		{"DescribeQueryDefinitions", `{"maxResults":1,"nextToken":"cQBh"}`},
		{"DeleteQueryDefinition", `{"queryDefinitionId":"x"}`},
		{"Nope", `[]`},
		{"PutLogEvents", `{"logEvents":null}`},
	}
	for _, s := range seeds {
		f.Add(s.op, s.body)
	}
	e := newEnv(f, func(c *Config) { c.LiveTailMax, c.LiveTailEvery = 200*time.Millisecond, 50*time.Millisecond })
	f.Fuzz(func(t *testing.T, op, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:40000" // unsigned calls are served to loopback only
		req.Header.Set("X-Amz-Target", targetPrefix+op)
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { e.h.ServeHTTP(w, req); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %q: no answer within 10s", op, body)
		}
		if w.Code >= 500 && w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Header().Get("Content-Type"), "json") &&
			w.Header().Get("Content-Type") != "application/vnd.amazon.eventstream" {
			t.Fatalf("%s %q: status %d %s", op, body, w.Code, w.Body)
		}
		if w.Code != http.StatusOK && !strings.Contains(w.Body.String(), `"__type"`) {
			t.Fatalf("%s %q: error without __type: %s", op, body, w.Body)
		}
	})
}
