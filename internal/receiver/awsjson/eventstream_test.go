package awsjson

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

func TestStreamingOperation(t *testing.T) {
	s := testService()
	s.Streaming = map[string]StreamOperation{
		"Tail": func(_ context.Context, _ Caller, body []byte) (StreamFunc, error) {
			if string(body) == `"bad"` {
				return nil, Errorf("InvalidParameterException", "bad request")
			}
			return func(_ context.Context, w *EventWriter) error {
				if err := w.Event("sessionStart", map[string]string{"sessionId": "s1"}); err != nil {
					return err
				}
				return w.Exception("SessionTimeoutException", "over")
			}, nil
		},
	}
	type frame struct{ kind, typ, payload string }
	tests := []struct {
		name, body string
		status     int
		frames     []frame
		errType    string
	}{
		{"stream", `{}`, 200, []frame{
			{"event", "initial-response", `{}`},
			{"event", "sessionStart", `{"sessionId":"s1"}`},
			{"exception", "SessionTimeoutException", `{"message":"over"}`},
		}, ""},
		{"refused before the stream", `"bad"`, 400, nil, "InvalidParameterException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			req.RemoteAddr = "127.0.0.1:1000"
			req.Header.Set("X-Amz-Target", "Test_2024.Tail")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if tt.errType != "" {
				if w.Header().Get("X-Amzn-ErrorType") != tt.errType {
					t.Fatalf("error %s", w.Body)
				}
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != EventStreamContentType {
				t.Fatalf("content type %q", ct)
			}
			dec := eventstream.NewDecoder()
			r := bytes.NewReader(w.Body.Bytes())
			for i, want := range tt.frames {
				msg, err := dec.Decode(r, nil)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				typHeader := ":event-type"
				if want.kind == "exception" {
					typHeader = ":exception-type"
				}
				got := frame{msg.Headers.Get(":message-type").String(), msg.Headers.Get(typHeader).String(), string(msg.Payload)}
				if got != want {
					t.Errorf("frame %d = %+v, want %+v", i, got, want)
				}
			}
			if _, err := dec.Decode(r, nil); !errors.Is(err, io.EOF) {
				t.Errorf("after the last frame: %v", err)
			}
		})
	}
}
