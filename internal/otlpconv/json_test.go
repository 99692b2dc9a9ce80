package otlpconv

import (
	"strings"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

func TestMarshalJSONWritesHexIDs(t *testing.T) {
	td := &tracepb.TracesData{ResourceSpans: []*tracepb.ResourceSpans{{ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{
		TraceId:           []byte{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c},
		SpanId:            []byte{0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74},
		Name:              "op",
		StartTimeUnixNano: 1,
		Kind:              tracepb.Span_SPAN_KIND_SERVER,
		Attributes: []*commonpb.KeyValue{
			{Key: "traceId", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: []byte{1, 2}}}},
		},
	}}}}}}}
	b, err := MarshalJSON(td)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		`"traceId":"5b8efff798038103d269b633813fc60c"`,
		`"spanId":"eee19b7ec3c1b174"`,
		`"kind":2`,
		`"startTimeUnixNano":"1"`,
		`"key":"traceId","value":{"bytesValue":"AQI="}`, // an attribute's bytes stay base64
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
}
