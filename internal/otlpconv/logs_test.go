package otlpconv_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
)

func fullLog() *logspb.LogRecord {
	return &logspb.LogRecord{
		TimeUnixNano: 10, ObservedTimeUnixNano: 11, SeverityNumber: logspb.SeverityNumber_SEVERITY_NUMBER_FATAL4,
		SeverityText: "fatal", Body: everyKind()[6].Value, Attributes: everyKind(), DroppedAttributesCount: 3,
		Flags: 1, TraceId: tid1, SpanId: sid1, EventName: "ev.name",
	}
}

func fullLogsRequest() []*logspb.ResourceLogs {
	bodies := []*commonpb.AnyValue{{}, str("text"), everyKind()[4].Value}
	var recs []*logspb.LogRecord
	for _, b := range bodies {
		r := fullLog()
		r.Body, r.TraceId, r.SpanId = b, nil, nil
		recs = append(recs, r)
	}
	return []*logspb.ResourceLogs{
		{Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", str("worker"))}, DroppedAttributesCount: 1},
			SchemaUrl: "https://r", ScopeLogs: []*logspb.ScopeLogs{
				{Scope: &commonpb.InstrumentationScope{Name: "log", Version: "2"}, SchemaUrl: "https://s",
					LogRecords: append([]*logspb.LogRecord{fullLog()}, recs...)},
			}},
	}
}

func TestLogsFromProtoFields(t *testing.T) {
	logs, rej := otlpconv.LogsFromProto("p2", fullLogsRequest())
	if len(rej) != 0 || len(logs) != 4 {
		t.Fatalf("got %d logs, rejections %+v", len(logs), rej)
	}
	want := model.LogEvent{
		Project: "p2", TimeUnixNano: 10, ObservedTimeUnixNano: 11, SeverityNumber: 24, SeverityText: "fatal",
		Body: everyKindModel()[6].Value, EventName: "ev.name", Attributes: everyKindModel(), DroppedAttributesCount: 3,
		Flags: 1, TraceID: model.TraceID(tid1), SpanID: model.SpanID(sid1),
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("worker")}},
			DroppedAttributesCount: 1, SchemaURL: "https://r"},
		Scope: model.Scope{Name: "log", Version: "2", SchemaURL: "https://s"},
	}
	if !reflect.DeepEqual(logs[0], want) {
		t.Errorf("log 0:\n got %+v\nwant %+v", logs[0], want)
	}
	if logs[1].Body.Kind != model.KindEmpty || logs[2].Body.Str != "text" || logs[3].Body.Kind != model.KindBytes {
		t.Errorf("bodies: %+v %+v %+v", logs[1].Body, logs[2].Body, logs[3].Body)
	}
}

func TestLogsRoundTrip(t *testing.T) {
	in := fullLogsRequest()
	logs, _ := otlpconv.LogsFromProto("p", in)
	out := otlpconv.LogsData(logs)
	if want := (&logspb.LogsData{ResourceLogs: in}); !proto.Equal(out, want) {
		t.Errorf("round trip differs:\n got %v\nwant %v", out, want)
	}
}

func TestLogsZeroIDsMeanNone(t *testing.T) {
	r := fullLog()
	r.TraceId, r.SpanId = make([]byte, 16), make([]byte, 8)
	logs, rej := otlpconv.LogsFromProto("p", []*logspb.ResourceLogs{{ScopeLogs: []*logspb.ScopeLogs{{LogRecords: []*logspb.LogRecord{r}}}}})
	if len(rej) != 0 || !logs[0].TraceID.IsZero() || !logs[0].SpanID.IsZero() {
		t.Fatalf("zero ids: %+v %+v", logs, rej)
	}
	back := otlpconv.LogsData(logs).ResourceLogs[0].ScopeLogs[0].LogRecords[0]
	if back.TraceId != nil || back.SpanId != nil {
		t.Errorf("zero ids came back as %x %x, want absent", back.TraceId, back.SpanId)
	}
}

func TestLogsRejected(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*logspb.LogRecord)
		reason string
		msg    string
	}{
		{"short trace id", func(r *logspb.LogRecord) { r.TraceId = tid1[:4] }, otlpconv.ReasonInvalidTraceID, "trace_id must be empty or 16 bytes, got 4"},
		{"long span id", func(r *logspb.LogRecord) { r.SpanId = tid1 }, otlpconv.ReasonInvalidSpanID, "span_id must be empty or 8 bytes, got 16"},
		{"time beyond int64", func(r *logspb.LogRecord) { r.TimeUnixNano = math.MaxUint64 }, otlpconv.ReasonInvalidTime, "time_unix_nano 18446744073709551615 is beyond the year 2262"},
		{"observed beyond int64", func(r *logspb.LogRecord) { r.ObservedTimeUnixNano = 1 << 63 }, otlpconv.ReasonInvalidTime, "observed_time_unix_nano"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := fullLogsRequest()
			tt.mutate(req[0].ScopeLogs[0].LogRecords[1])
			logs, rej := otlpconv.LogsFromProto("p", req)
			if len(logs) != 3 || len(rej) != 1 {
				t.Fatalf("got %d logs and %d rejections, want 3 and 1", len(logs), len(rej))
			}
			r := rej[0]
			if r.Index != 1 || r.Reason != tt.reason || r.Service != "worker" {
				t.Errorf("rejection %+v: want index 1, reason %q, service worker", r, tt.reason)
			}
			if !strings.HasPrefix(r.Message, `log record 1 "ev.name" of scope "log": `) || !strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not name the record and %q", r.Message, tt.msg)
			}
		})
	}
}
