package cwlogs

import (
	"testing"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

// TestRequestChecks pins the wording of the request checks the model
// cannot state: clients and people compare these messages with the
// service's. The model's own are in validation_test.go.
func TestRequestChecks(t *testing.T) {
	msg := func(err error) string {
		if err == nil {
			return ""
		}
		return err.(*awsjson.Error).Message
	}
	stream := func(body string) error { _, _, _, err := decodeStream[getInput]([]byte(body)); return err }
	group := func(body string) error { _, _, err := decodeGroup[createGroupInput]([]byte(body)); return err }
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"group ok", group(`{"logGroupName":"/a/b-c_d.e#f"}`), ""},
		{"group missing", group(`{}`), "Either LogGroup name or LogGroup identifier must be specified"},
		{"group by arn", stream(`{"logGroupIdentifier":"arn:aws:logs:r:1:log-group:g","logStreamName":"s"}`), ""},
		{"name in the arn", stream(`{"logGroupIdentifier":"arn:aws:logs:r:1:log-group:a+b","logStreamName":"s"}`),
			`1 validation error detected: Value 'a+b' at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{"name and identifier", stream(`{"logGroupName":"g","logGroupIdentifier":"g","logStreamName":"s"}`),
			"LogGroup name and LogGroup identifier can not both be specified"},
		{"type error names the member", stream(`{"logGroupName":"g","logStreamName":5}`),
			"field logStreamName: expected string, got a JSON number"},
		{"event without time", checkBatch([]inputEvent{{Message: new(string)}}), "logEvents.1 needs a timestamp and a message"},
		{"bad token", func() error { _, _, err := readStreamToken("f/1/s"); return err }(), "The specified nextToken is invalid."},
	} {
		if got := msg(c.err); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// TestTokensRoundTrip checks that every token reader accepts what its
// maker makes.
func TestTokensRoundTrip(t *testing.T) {
	dir, p, err := readStreamToken(streamToken('b', pos(5, 7, "")))
	if err != nil || dir != 'b' || p != pos(5, 7, "") {
		t.Errorf("stream token: %c %+v %v", dir, p, err)
	}
	fp, err := readFilterToken(filterToken(pos(5, 1<<62, "a:b")))
	if err != nil || *fp != pos(5, 1<<62, "a:b") {
		t.Errorf("filter token: %+v %v", fp, err)
	}
	ms, name, err := readStreamsToken(streamsToken(storeStream(42, "s:1")))
	if err != nil || ms != 42 || name != "s:1" {
		t.Errorf("streams token: %d %q %v", ms, name, err)
	}
	for _, bad := range []string{"", "!", pageToken("x"), pageToken("1:x")} {
		if _, err := readFilterToken(bad); err != errBadToken {
			t.Errorf("readFilterToken(%q) = %v", bad, err)
		}
	}
}

func pos(t, o int64, stream string) store.EventPosition {
	return store.EventPosition{TimeNano: t, ObservedNano: o, Stream: stream}
}

func storeStream(lastMillis int64, name string) store.LogStream {
	return store.LogStream{LastEventMillis: lastMillis, Name: name}
}
