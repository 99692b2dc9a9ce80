package awsjson

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream/eventstreamapi"
)

// EventStreamContentType is the media type of an event-stream answer.
const EventStreamContentType = "application/vnd.amazon.eventstream"

// StreamOperation is an operation whose answer is an event stream (such as
// CloudWatch Logs' StartLiveTail). It validates the call and returns either
// an error, answered in the JSON error shape, or the function that streams
// the events; that one runs until the stream ends, the client goes (ctx is
// cancelled) or writing fails.
type StreamOperation func(ctx context.Context, c Caller, body []byte) (StreamFunc, error)

// StreamFunc writes the events of a stream through w.
type StreamFunc func(ctx context.Context, w *EventWriter) error

// EventWriter writes the binary event-stream messages of an RPC protocol
// answer: the initial-response (the operation's output besides the
// stream), then events and exceptions, each flushed to the client at once.
type EventWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	enc *eventstream.Encoder
}

// NewEventWriter answers 200 with the event-stream media type and writes
// the initial-response event with the output (nil: {}).
func NewEventWriter(w http.ResponseWriter, output any) (*EventWriter, error) {
	w.Header().Set("Content-Type", EventStreamContentType)
	w.WriteHeader(http.StatusOK)
	ew := &EventWriter{w: w, rc: http.NewResponseController(w), enc: eventstream.NewEncoder()}
	// A stream may last hours: no write deadline of the server applies.
	_ = ew.rc.SetWriteDeadline(time.Time{})
	if output == nil {
		output = struct{}{}
	}
	return ew, ew.Event("initial-response", output)
}

// Event writes an event of the type eventType (a member of the stream
// union) with v as its JSON payload.
func (ew *EventWriter) Event(eventType string, v any) error {
	return ew.write(eventstreamapi.EventMessageType, eventstreamapi.EventTypeHeader, eventType, v)
}

// Exception writes a modeled exception of the stream (code is its shape
// name) with its message; the stream ends after it.
func (ew *EventWriter) Exception(code, message string) error {
	return ew.write(eventstreamapi.ExceptionMessageType, eventstreamapi.ExceptionTypeHeader, code, struct {
		Message string `json:"message"`
	}{message})
}

func (ew *EventWriter) write(messageType, typeHeader, typ string, v any) error {
	payload, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var msg eventstream.Message
	msg.Headers.Set(eventstreamapi.MessageTypeHeader, eventstream.StringValue(messageType))
	msg.Headers.Set(typeHeader, eventstream.StringValue(typ))
	msg.Headers.Set(eventstreamapi.ContentTypeHeader, eventstream.StringValue("application/json"))
	msg.Payload = payload
	if err := ew.enc.Encode(ew.w, msg); err != nil {
		return err
	}
	return ew.rc.Flush()
}
