package restjson

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"regexp"
	"testing"
)

func TestDescribeError(t *testing.T) {
	var doc struct {
		Fault bool        `json:"fault"`
		Start json.Number `json:"start_time"`
		Subs  []int       `json:"subsegments"`
		AWS   map[string]any
		N     int
	}
	tests := []struct {
		in, want string
	}{
		{`{"fault":"yes"}`, `field "fault": got string, want bool`},
		{`{"start_time":true}`, `field "start_time": got bool, want number`},
		{`{"subsegments":{}}`, `field "subsegments": got object, want array`},
		{`{"AWS":[]}`, `field "AWS": got array, want object`},
		{`{"N":"x"}`, `field "N": got string, want number`},
		{`[]`, `got array, want object`},
		{`{`, `unexpected end of JSON input`},
	}
	for _, tt := range tests {
		if got := DescribeError(json.Unmarshal([]byte(tt.in), &doc)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := DescribeError(errors.New("reading: eof")); got != "reading: eof" {
		t.Errorf("other error: %q", got)
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, 400, "InvalidRequestException", "TraceIds: give 1 to 5 trace ids")
	var body map[string]string
	if rec.Code != 400 || rec.Header().Get("X-Amzn-ErrorType") != "InvalidRequestException" ||
		json.Unmarshal(rec.Body.Bytes(), &body) != nil || body["message"] != "TraceIds: give 1 to 5 trace ids" {
		t.Errorf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	if id := rec.Header().Get("x-amzn-RequestId"); !uuid.MatchString(id) {
		t.Errorf("request id %q", id)
	}
	rec = httptest.NewRecorder()
	Write(rec, map[string]int{"n": 1})
	if rec.Code != 200 || rec.Body.String() != "{\"n\":1}\n" || !uuid.MatchString(rec.Header().Get("x-amzn-RequestId")) {
		t.Errorf("%d %v %q", rec.Code, rec.Header(), rec.Body)
	}
}
