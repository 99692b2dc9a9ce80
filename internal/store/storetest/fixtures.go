package storetest

import (
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
