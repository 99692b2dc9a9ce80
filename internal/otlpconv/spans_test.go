package otlpconv_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
)

var (
	tid1 = []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	tid2 = []byte{16: 0}[:16]
	sid1 = []byte{1, 1, 1, 1, 1, 1, 1, 1}
	sid2 = []byte{2, 2, 2, 2, 2, 2, 2, 2}
)

func init() { tid2[0] = 0xff }

func str(s string) *commonpb.AnyValue {
	return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
}

func kv(k string, v *commonpb.AnyValue) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: v}
}

// everyKind is one attribute of every AnyValue kind, nested ones included.
func everyKind() []*commonpb.KeyValue {
	return []*commonpb.KeyValue{
		kv("s", str("x")),
		kv("b", &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: true}}),
		kv("i", &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: math.MinInt64}}),
		kv("d", &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: math.Inf(-1)}}),
		kv("y", &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: []byte{0, 0xff}}}),
		kv("a", &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{
			Values: []*commonpb.AnyValue{str("e"), {}, {Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{}}}},
		}}}),
		kv("m", &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{
			Values: []*commonpb.KeyValue{kv("inner", str("v")), kv("dup", str("1")), kv("dup", str("2"))},
		}}}),
		kv("empty", &commonpb.AnyValue{}),
	}
}

func everyKindModel() model.Attributes {
	return model.Attributes{
		{Key: "s", Value: model.StringValue("x")},
		{Key: "b", Value: model.BoolValue(true)},
		{Key: "i", Value: model.IntValue(math.MinInt64)},
		{Key: "d", Value: model.DoubleValue(math.Inf(-1))},
		{Key: "y", Value: model.BytesValue([]byte{0, 0xff})},
		{Key: "a", Value: model.ArrayValue(model.StringValue("e"), model.Value{}, model.Value{Kind: model.KindArray})},
		{Key: "m", Value: model.MapValue(
			model.KeyValue{Key: "inner", Value: model.StringValue("v")},
			model.KeyValue{Key: "dup", Value: model.StringValue("1")},
			model.KeyValue{Key: "dup", Value: model.StringValue("2")})},
		{Key: "empty"},
	}
}

// fullSpan sets every field OTLP has for a span.
func fullSpan() *tracepb.Span {
	return &tracepb.Span{
		TraceId: tid1, SpanId: sid1, ParentSpanId: sid2, TraceState: "a=b", Flags: 0x301,
		Name: "op", Kind: tracepb.Span_SPAN_KIND_PRODUCER, StartTimeUnixNano: 10, EndTimeUnixNano: 20,
		Attributes: everyKind(), DroppedAttributesCount: 1,
		Events:             []*tracepb.Span_Event{{TimeUnixNano: 15, Name: "ev", Attributes: everyKind()[:2], DroppedAttributesCount: 2}},
		DroppedEventsCount: 3,
		Links: []*tracepb.Span_Link{{TraceId: tid2, SpanId: sid2, TraceState: "c=d",
			Attributes: everyKind()[2:4], DroppedAttributesCount: 4, Flags: 0x101}},
		DroppedLinksCount: 5,
		Status:            &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "bad"},
	}
}

func fullRequest() []*tracepb.ResourceSpans {
	res := &resourcepb.Resource{Attributes: []*commonpb.KeyValue{kv("service.name", str("api"))}, DroppedAttributesCount: 7}
	scope := &commonpb.InstrumentationScope{Name: "lib", Version: "1", Attributes: everyKind()[:1], DroppedAttributesCount: 8}
	second := fullSpan()
	second.SpanId, second.ParentSpanId = sid2, nil
	return []*tracepb.ResourceSpans{
		{Resource: res, SchemaUrl: "https://r", ScopeSpans: []*tracepb.ScopeSpans{
			{Scope: scope, SchemaUrl: "https://s", Spans: []*tracepb.Span{fullSpan(), second}},
			{Scope: &commonpb.InstrumentationScope{Name: "other"}, Spans: []*tracepb.Span{fullSpan()}},
		}},
		{Resource: &resourcepb.Resource{}, ScopeSpans: []*tracepb.ScopeSpans{
			{Scope: &commonpb.InstrumentationScope{}, Spans: []*tracepb.Span{fullSpan()}},
		}},
	}
}

func TestSpansFromProtoFields(t *testing.T) {
	spans, rej := otlpconv.SpansFromProto("p1", fullRequest())
	if len(rej) != 0 || len(spans) != 4 {
		t.Fatalf("got %d spans, rejections %+v", len(spans), rej)
	}
	want := model.Span{
		Project: "p1", TraceID: model.TraceID(tid1), SpanID: model.SpanID(sid1), ParentSpanID: model.SpanID(sid2),
		TraceState: "a=b", Flags: 0x301, Name: "op", Kind: model.SpanKindProducer, StartUnixNano: 10, EndUnixNano: 20,
		Attributes: everyKindModel(), DroppedAttributesCount: 1,
		Events:             []model.SpanEvent{{TimeUnixNano: 15, Name: "ev", Attributes: everyKindModel()[:2], DroppedAttributesCount: 2}},
		DroppedEventsCount: 3,
		Links: []model.SpanLink{{TraceID: model.TraceID(tid2), SpanID: model.SpanID(sid2), TraceState: "c=d", Flags: 0x101,
			Attributes: everyKindModel()[2:4], DroppedAttributesCount: 4}},
		DroppedLinksCount: 5, StatusCode: model.StatusError, StatusMessage: "bad",
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("api")}},
			DroppedAttributesCount: 7, SchemaURL: "https://r"},
		Scope: model.Scope{Name: "lib", Version: "1", Attributes: everyKindModel()[:1], DroppedAttributesCount: 8,
			SchemaURL: "https://s"},
	}
	if !reflect.DeepEqual(spans[0], want) {
		t.Errorf("span 0:\n got %+v\nwant %+v", spans[0], want)
	}
	if spans[2].Scope.Name != "other" || spans[3].Resource.Service() != model.UnknownService {
		t.Errorf("scope or resource mixed up: %+v / %+v", spans[2].Scope, spans[3].Resource)
	}
}

func TestSpansRoundTrip(t *testing.T) {
	in := fullRequest()
	spans, _ := otlpconv.SpansFromProto("p", in)
	out := otlpconv.TracesData(spans)
	if want := (&tracepb.TracesData{ResourceSpans: in}); !proto.Equal(out, want) {
		t.Errorf("round trip differs:\n got %v\nwant %v", out, want)
	}
}

// TestTracesDataGroups checks that interleaved resources and scopes are
// grouped back in order of first appearance.
func TestTracesDataGroups(t *testing.T) {
	resA := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("a")}}}
	resB := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("b")}}}
	resA2 := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("a")}}}
	nan := model.Resource{Attributes: model.Attributes{{Key: "x", Value: model.DoubleValue(math.NaN())}}}
	nan2 := model.Resource{Attributes: model.Attributes{{Key: "x", Value: model.DoubleValue(math.NaN())}}}
	mk := func(name string, r model.Resource, scope string) model.Span {
		return model.Span{Name: name, Resource: r, Scope: model.Scope{Name: scope}, TraceID: model.TraceID{1}, SpanID: model.SpanID{1}}
	}
	spans := []model.Span{mk("1", resA, "s1"), mk("2", resB, "s1"), mk("3", resA2, "s2"), mk("4", resA, "s1"),
		mk("5", nan, ""), mk("6", nan2, "")}
	got := otlpconv.TracesData(spans)
	var layout []string
	for _, rs := range got.ResourceSpans {
		l := ""
		for _, ss := range rs.ScopeSpans {
			l += "[" + ss.Scope.Name + ":"
			for _, s := range ss.Spans {
				l += s.Name
			}
			l += "]"
		}
		layout = append(layout, l)
	}
	want := []string{"[s1:14][s2:3]", "[s1:2]", "[:56]"}
	if !reflect.DeepEqual(layout, want) {
		t.Errorf("grouping %q, want %q", layout, want)
	}
}

func TestSpansRejected(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*tracepb.Span)
		reason string
		msg    string
	}{
		{"no trace id", func(s *tracepb.Span) { s.TraceId = nil }, otlpconv.ReasonInvalidTraceID, "trace_id must be 16 bytes, got 0"},
		{"short trace id", func(s *tracepb.Span) { s.TraceId = tid1[:15] }, otlpconv.ReasonInvalidTraceID, "got 15"},
		{"zero trace id", func(s *tracepb.Span) { s.TraceId = make([]byte, 16) }, otlpconv.ReasonInvalidTraceID, "all zeros"},
		{"no span id", func(s *tracepb.Span) { s.SpanId = nil }, otlpconv.ReasonInvalidSpanID, "span_id must be 8 bytes, got 0"},
		{"zero span id", func(s *tracepb.Span) { s.SpanId = make([]byte, 8) }, otlpconv.ReasonInvalidSpanID, "span_id must not be all zeros"},
		{"bad parent", func(s *tracepb.Span) { s.ParentSpanId = []byte{1} }, otlpconv.ReasonInvalidParent, "parent_span_id must be empty or 8 bytes, got 1"},
		{"end before start", func(s *tracepb.Span) { s.EndTimeUnixNano = 9 }, otlpconv.ReasonEndBeforeStart, "end_time_unix_nano 9 is before start_time_unix_nano 10"},
		{"start beyond int64", func(s *tracepb.Span) { s.StartTimeUnixNano = math.MaxInt64 + 1 }, otlpconv.ReasonInvalidTime, "start_time_unix_nano 9223372036854775808 is beyond"},
		{"end beyond int64", func(s *tracepb.Span) { s.EndTimeUnixNano = math.MaxUint64 }, otlpconv.ReasonInvalidTime, "end_time_unix_nano"},
		{"event time", func(s *tracepb.Span) { s.Events[0].TimeUnixNano = math.MaxUint64 }, otlpconv.ReasonInvalidTime, "event 0: time_unix_nano"},
		{"link trace id", func(s *tracepb.Span) { s.Links[0].TraceId = nil }, otlpconv.ReasonInvalidLink, "link 0: trace_id must be 16 bytes, got 0"},
		{"link span id", func(s *tracepb.Span) { s.Links[0].SpanId = sid1[:3] }, otlpconv.ReasonInvalidLink, "link 0: span_id must be 8 bytes, got 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := fullRequest()
			tt.mutate(req[0].ScopeSpans[1].Spans[0]) // the third span of the request
			spans, rej := otlpconv.SpansFromProto("p", req)
			if len(spans) != 3 || len(rej) != 1 {
				t.Fatalf("got %d spans and %d rejections, want 3 and 1", len(spans), len(rej))
			}
			r := rej[0]
			if r.Index != 2 || r.Reason != tt.reason || r.Service != "api" {
				t.Errorf("rejection %+v: want index 2, reason %q, service api", r, tt.reason)
			}
			if !strings.HasPrefix(r.Message, `span 2 "op" of scope "other": `) || !strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not name the span and %q", r.Message, tt.msg)
			}
			if spans[2].Resource.SchemaURL != "" || spans[1].SpanID != model.SpanID(sid2) {
				t.Errorf("valid spans out of order")
			}
		})
	}
}

func TestSpansFromProtoEmptyAndNil(t *testing.T) {
	spans, rej := otlpconv.SpansFromProto("p", nil)
	if spans != nil || rej != nil {
		t.Errorf("nil request: %v %v", spans, rej)
	}
	// nil messages anywhere must not panic; a nil span is invalid.
	req := []*tracepb.ResourceSpans{nil, {ScopeSpans: []*tracepb.ScopeSpans{nil, {Spans: []*tracepb.Span{nil}}}}}
	spans, rej = otlpconv.SpansFromProto("p", req)
	if len(spans) != 0 || len(rej) != 1 || rej[0].Reason != otlpconv.ReasonInvalidTraceID {
		t.Errorf("nil span: %v %+v", spans, rej)
	}
}
