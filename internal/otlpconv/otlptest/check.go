package otlptest

import (
	"reflect"
	"sort"
	"testing"

	"lookout/internal/model"
)

func ms(n int) int64 { return Start.UnixNano() + int64(n)*1_000_000 }

// AllKindsModel is AllKinds as the model holds it.
func AllKindsModel() model.Attributes {
	return model.Attributes{
		{Key: "str", Value: model.StringValue("hello")},
		{Key: "bool", Value: model.BoolValue(true)},
		{Key: "int", Value: model.IntValue(-42)},
		{Key: "double", Value: model.DoubleValue(3.25)},
		{Key: "bytes", Value: model.BytesValue([]byte{0, 1, 0xfe})},
		{Key: "strs", Value: model.ArrayValue(model.StringValue("a"), model.StringValue("b"))},
		{Key: "ints", Value: model.ArrayValue(model.IntValue(1), model.IntValue(2))},
		{Key: "mixed", Value: model.ArrayValue(model.StringValue("x"), model.IntValue(7))},
		{Key: "map", Value: model.MapValue(
			model.KeyValue{Key: "k", Value: model.StringValue("v")},
			model.KeyValue{Key: "nested.bool", Value: model.BoolValue(false)})},
		{Key: "empty"},
	}
}

// WantResource is the resource of everything Emit* sends.
func WantResource() model.Resource {
	return model.Resource{SchemaURL: ResourceSchemaURL, Attributes: model.Attributes{
		{Key: "deployment.environment.name", Value: model.StringValue("test")},
		{Key: "host.cpus", Value: model.IntValue(8)},
		{Key: "service.name", Value: model.StringValue(Service)},
	}}
}

// WantScope is the main scope of everything Emit* sends.
func WantScope() model.Scope {
	return model.Scope{Name: ScopeName, Version: ScopeVersion, SchemaURL: ScopeSchemaURL,
		Attributes: model.Attributes{{Key: "scope.attr", Value: model.StringValue("s")}}}
}

func tid(last byte) model.TraceID { return model.TraceID{0: 0x01, 15: last} }
func sid(n byte) model.SpanID     { return model.SpanID{7: n} }

// WantSpans are the spans EmitTraces sends, by name, without resource, scope
// and project (CheckTraces compares those separately).
func WantSpans() map[string]model.Span {
	const sampledLocal, sampledRemote = 0x101, 0x301
	return map[string]model.Span{
		"GET /cart": {TraceID: tid(1), SpanID: sid(1), Flags: sampledLocal, Name: "GET /cart", Kind: model.SpanKindServer,
			StartUnixNano: ms(0), EndUnixNano: ms(10), Attributes: AllKindsModel(),
			Events: []model.SpanEvent{{TimeUnixNano: ms(1), Name: "cache.miss",
				Attributes: model.Attributes{{Key: "cache.key", Value: model.StringValue("cart:1")}}}},
			StatusCode: model.StatusOK},
		"db.query": {TraceID: tid(1), SpanID: sid(2), ParentSpanID: sid(1), Flags: sampledLocal, Name: "db.query",
			Kind: model.SpanKindClient, StartUnixNano: ms(2), EndUnixNano: ms(5),
			Attributes: model.Attributes{{Key: "db.system", Value: model.StringValue("postgresql")}}},
		"publish": {TraceID: tid(1), SpanID: sid(3), ParentSpanID: sid(1), Flags: sampledLocal, Name: "publish",
			Kind: model.SpanKindProducer, StartUnixNano: ms(6), EndUnixNano: ms(8),
			Events: []model.SpanEvent{{TimeUnixNano: ms(7), Name: "exception", Attributes: model.Attributes{
				{Key: "exception.type", Value: model.StringValue("*errors.errorString")},
				{Key: "exception.message", Value: model.StringValue("broker down")}}}},
			StatusCode: model.StatusError, StatusMessage: "boom"},
		"consume": {TraceID: tid(4), SpanID: sid(4), Flags: sampledLocal, Name: "consume", Kind: model.SpanKindConsumer,
			StartUnixNano: ms(20), EndUnixNano: ms(30),
			Links: []model.SpanLink{{TraceID: tid(1), SpanID: sid(1), Flags: sampledLocal,
				Attributes: model.Attributes{{Key: "link.kind", Value: model.StringValue("follows")}}}}},
		"internal": {TraceID: tid(4), SpanID: sid(5), ParentSpanID: sid(4), Flags: sampledLocal, Name: "internal",
			Kind: model.SpanKindInternal, StartUnixNano: ms(21), EndUnixNano: ms(22)},
		"remote-child": {TraceID: model.TraceID{0xab, 15: 0xcd}, SpanID: sid(6), ParentSpanID: model.SpanID{0xee, 7: 0xff},
			TraceState: TraceState, Flags: sampledRemote, Name: "remote-child", Kind: model.SpanKindServer, StartUnixNano: ms(40), EndUnixNano: ms(41)},
	}
}

// CheckTraces fails t unless spans are exactly what EmitTraces sent, in any
// order, each tagged with project.
func CheckTraces(t testing.TB, project string, spans []model.Span) {
	t.Helper()
	want := WantSpans()
	if len(spans) != len(want) {
		t.Fatalf("got %d spans, want %d", len(spans), len(want))
	}
	for _, got := range spans {
		w, ok := want[got.Name]
		if !ok {
			t.Errorf("unexpected span %q", got.Name)
			continue
		}
		delete(want, got.Name)
		if got.Project != project {
			t.Errorf("span %q: project %q, want %q", got.Name, got.Project, project)
		}
		wantScope := WantScope()
		if got.Name == "db.query" {
			wantScope = model.Scope{Name: OtherScopeName}
		}
		check(t, "span "+got.Name+" resource", got.Resource, WantResource())
		check(t, "span "+got.Name+" scope", got.Scope, wantScope)
		got.Project, got.Resource, got.Scope = "", model.Resource{}, model.Scope{}
		check(t, "span "+got.Name, got, w)
	}
}

// WantLogs are the records EmitLogs sends, in order, without resource, scope
// and project.
func WantLogs() []model.LogEvent {
	return []model.LogEvent{
		{TimeUnixNano: ms(0), ObservedTimeUnixNano: ms(1000), SeverityNumber: 9, SeverityText: "info",
			Body: model.StringValue("user logged in"), Attributes: AllKindsModel(), Flags: 1,
			TraceID: model.TraceID(LogTraceID), SpanID: model.SpanID(LogSpanID)},
		{TimeUnixNano: ms(1), ObservedTimeUnixNano: ms(1001), SeverityNumber: 17, SeverityText: "ERROR",
			Body: model.MapValue(model.KeyValue{Key: "items", Value: model.IntValue(3)},
				model.KeyValue{Key: "order", Value: model.StringValue("o-1")}), EventName: "checkout.failed"},
		{TimeUnixNano: ms(2), ObservedTimeUnixNano: ms(1002), SeverityNumber: 5,
			Body: model.BytesValue([]byte("raw\x00bytes"))},
		{ObservedTimeUnixNano: ms(999), SeverityNumber: 13,
			Body: model.ArrayValue(model.StringValue("a"), model.BoolValue(true))},
		{TimeUnixNano: ms(4), ObservedTimeUnixNano: ms(1004),
			Attributes: model.Attributes{{Key: "only", Value: model.StringValue("one")}}},
	}
}

// CheckLogs fails t unless logs are exactly what EmitLogs sent, in any order
// across scopes, each tagged with project.
func CheckLogs(t testing.TB, project string, logs []model.LogEvent) {
	t.Helper()
	want := WantLogs()
	if len(logs) != len(want) {
		t.Fatalf("got %d log records, want %d", len(logs), len(want))
	}
	got := append([]model.LogEvent(nil), logs...)
	sort.SliceStable(got, func(i, j int) bool { return got[i].ObservedTimeUnixNano < got[j].ObservedTimeUnixNano })
	sort.SliceStable(want, func(i, j int) bool { return want[i].ObservedTimeUnixNano < want[j].ObservedTimeUnixNano })
	for i := range got {
		g := got[i]
		if g.Project != project {
			t.Errorf("log %d: project %q, want %q", i, g.Project, project)
		}
		wantScope := WantScope()
		if g.ObservedTimeUnixNano == ms(1004) {
			wantScope = model.Scope{Name: OtherScopeName}
		}
		check(t, "log resource", g.Resource, WantResource())
		check(t, "log scope", g.Scope, wantScope)
		g.Project, g.Resource, g.Scope = "", model.Resource{}, model.Scope{}
		check(t, "log record", g, want[i])
	}
}

func check(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
