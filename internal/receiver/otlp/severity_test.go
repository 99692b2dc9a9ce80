package otlp

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLogSeverityDerived: a record without a severity number gets the one
// its text, body or level attribute states; a number the client sent is
// kept, whatever the body says.
func TestLogSeverityDerived(t *testing.T) {
	body := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[
		{"timeUnixNano":"1741600000000000000","body":{"stringValue":"{\"level\":\"ERROR\",\"msg\":\"charge failed\"}"}},
		{"timeUnixNano":"1741600000000000001","severityNumber":9,"severityText":"INFO","body":{"stringValue":"ERROR in the text only"}},
		{"timeUnixNano":"1741600000000000002","severityText":"Warning","body":{"stringValue":"x"}},
		{"timeUnixNano":"1741600000000000003","body":{"kvlistValue":{"values":[{"key":"level","value":{"stringValue":"fatal"}}]}}},
		{"timeUnixNano":"1741600000000000004","body":{"stringValue":"plain"},"attributes":[{"key":"log.level","value":{"stringValue":"debug"}}]},
		{"timeUnixNano":"1741600000000000005","body":{"stringValue":"nothing said"}}
	]}]}]}`
	want := []struct {
		num  int32
		text string
	}{{17, "ERROR"}, {9, "INFO"}, {13, "Warning"}, {21, "fatal"}, {5, "debug"}, {0, ""}}

	sink := &recordingSink{}
	r, err := New(DefaultConfig(), sink)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", PathLogs, strings.NewReader(body))
	req.Header.Set("Content-Type", ctJSON)
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	logs := sink.Logs()
	if len(logs) != len(want) {
		t.Fatalf("%d logs, want %d", len(logs), len(want))
	}
	for i, w := range want {
		if logs[i].SeverityNumber != w.num || logs[i].SeverityText != w.text {
			t.Errorf("record %d: %d %q, want %d %q", i, logs[i].SeverityNumber, logs[i].SeverityText, w.num, w.text)
		}
	}
	if got := logs[0].Body.Str; got != `{"level":"ERROR","msg":"charge failed"}` {
		t.Errorf("body changed: %q", got)
	}
}
