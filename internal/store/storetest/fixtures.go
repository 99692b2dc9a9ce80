package storetest

import (
	"math"
	"time"

	"lookout/internal/model"
)

// T0 is the base time of the fixtures, mid-morning UTC so that offsets of a
// few hours stay within one day.
var T0 = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)

// at is T0 plus d, in Unix nanoseconds.
func at(d time.Duration) int64 { return T0.Add(d).UnixNano() }

// tid makes a trace id whose every byte is b, with both 64-bit halves
// distinct and the high bits set (ids must not be read as signed or small).
func tid(b byte) model.TraceID {
	var t model.TraceID
	for i := range t {
		t[i] = b
	}
	t[0], t[8] = 0xff, 0x80
	return t
}

// sid makes a span id from a number; 0 is the zero id (no parent).
func sid(n byte) model.SpanID {
	if n == 0 {
		return model.SpanID{}
	}
	return model.SpanID{0xf0, 1, 2, 3, 4, 5, 6, n}
}

func str(k, v string) model.KeyValue            { return model.KeyValue{Key: k, Value: model.StringValue(v)} }
func kv(k string, v model.Value) model.KeyValue { return model.KeyValue{Key: k, Value: v} }

func resource(service string, extra ...model.KeyValue) model.Resource {
	return model.Resource{Attributes: append(model.Attributes{str("service.name", service)}, extra...)}
}

// span builds a plain span for search fixtures.
func span(project string, trace model.TraceID, id, parent byte, service, name string, start, dur time.Duration, attrs ...model.KeyValue) model.Span {
	return model.Span{
		Project: project, TraceID: trace, SpanID: sid(id), ParentSpanID: sid(parent),
		Name: name, Kind: model.SpanKindServer,
		StartUnixNano: at(start), EndUnixNano: at(start + dur),
		Attributes: attrs, Resource: resource(service),
	}
}

// allValues holds one value of every kind and its edge cases.
func allValues() model.Attributes {
	return model.Attributes{
		str("string", "héllo \"wörld\"\n\ttab ✓ 日本 nul:\x00:end"),
		str("nul\x00key", "v"),
		str("empty.string", ""),
		kv("bool.true", model.BoolValue(true)),
		kv("bool.false", model.BoolValue(false)),
		kv("int.max", model.IntValue(math.MaxInt64)),
		kv("int.min", model.IntValue(math.MinInt64)),
		kv("int.zero", model.IntValue(0)),
		kv("double.pi", model.DoubleValue(math.Pi)),
		kv("double.max", model.DoubleValue(math.MaxFloat64)),
		kv("double.tiny", model.DoubleValue(math.SmallestNonzeroFloat64)),
		kv("double.neg", model.DoubleValue(-1.5e300)),
		kv("double.whole", model.DoubleValue(3)),
		kv("bytes", model.BytesValue([]byte{0, 1, 0xfe, 0xff, 'a'})),
		kv("empty", model.Value{}),
		kv("array", model.ArrayValue(
			model.IntValue(1), model.StringValue("a"), model.Value{},
			model.ArrayValue(model.BoolValue(true), model.ArrayValue(model.DoubleValue(0.5))),
			model.MapValue(kv("m", model.MapValue(kv("b", model.BytesValue([]byte{9}))))),
		)),
		kv("empty.array", model.ArrayValue()),
		kv("map", model.MapValue(
			kv("nested", model.MapValue(kv("int", model.IntValue(-7)), str("s", "x"))),
			kv("list", model.ArrayValue(model.StringValue("y"), model.IntValue(math.MaxInt64))),
		)),
		kv("empty.map", model.MapValue()),
		str("string", "duplicate key, kept in order"),
	}
}

// fullSpan sets every field of model.Span to a non-zero value.
func fullSpan(project string) model.Span {
	return model.Span{
		Project:       project,
		TraceID:       tid(0xa1),
		SpanID:        sid(0xee),
		ParentSpanID:  sid(0xdd),
		TraceState:    "vendor=abc,other=1",
		Flags:         0x301,
		Name:          "GET /full ✓",
		Kind:          model.SpanKindConsumer,
		StartUnixNano: at(time.Hour) + 123,
		EndUnixNano:   at(time.Hour+1500*time.Millisecond) + 7,
		Attributes:    allValues(),

		DroppedAttributesCount: 3,
		Events: []model.SpanEvent{
			{TimeUnixNano: at(time.Hour) + 500, Name: "exception", Attributes: model.Attributes{
				str("exception.type", "IOError"), kv("exception.escaped", model.BoolValue(true)),
			}, DroppedAttributesCount: 1},
			{TimeUnixNano: at(time.Hour) + 900, Name: "mark"},
		},
		DroppedEventsCount: 4,
		Links: []model.SpanLink{
			{TraceID: tid(0xb2), SpanID: sid(0x42), TraceState: "k=v", Flags: 1,
				Attributes: model.Attributes{kv("link.n", model.IntValue(-1))}, DroppedAttributesCount: 2},
			{TraceID: tid(0xb3), SpanID: sid(0x43)},
		},
		DroppedLinksCount: 5,
		StatusCode:        model.StatusError,
		StatusMessage:     "boom: \"quoted\"",
		Resource: model.Resource{
			Attributes: model.Attributes{
				str("service.name", "full-svc"), kv("host.cpu", model.IntValue(8)),
				kv("tags", model.ArrayValue(model.StringValue("a"), model.StringValue("b"))),
			},
			DroppedAttributesCount: 6,
			SchemaURL:              "https://opentelemetry.io/schemas/1.26.0",
		},
		Scope: model.Scope{
			Name: "io.opentelemetry.contrib.thing", Version: "1.2.3",
			Attributes:             model.Attributes{kv("scope.attr", model.DoubleValue(2.5))},
			DroppedAttributesCount: 7,
			SchemaURL:              "https://opentelemetry.io/schemas/1.24.0",
		},
	}
}

// fullLog sets every field of model.LogEvent to a non-zero value.
func fullLog(project string) model.LogEvent {
	return model.LogEvent{
		Project:              project,
		TimeUnixNano:         at(time.Hour) + 11,
		ObservedTimeUnixNano: at(time.Hour+time.Second) + 13,
		SeverityNumber:       17,
		SeverityText:         "ERROR",
		Body: model.MapValue(
			str("message", "disk full ✓"),
			kv("values", model.MapValue(allValues()...)),
		),
		EventName:              "app.disk_full",
		Attributes:             allValues(),
		DroppedAttributesCount: 2,
		Flags:                  1,
		TraceID:                tid(0xa1),
		SpanID:                 sid(0xee),
		LogGroup:               "/aws/lambda/full",
		LogStream:              "2025/03/10/[$LATEST]abc",
		Resource: model.Resource{
			Attributes:             model.Attributes{str("service.name", "full-svc"), kv("pid", model.IntValue(42))},
			DroppedAttributesCount: 1,
			SchemaURL:              "https://opentelemetry.io/schemas/1.26.0",
		},
		Scope: model.Scope{Name: "logger", Version: "0.1", Attributes: model.Attributes{str("a", "b")},
			DroppedAttributesCount: 3, SchemaURL: "https://example.com/scope"},
	}
}
