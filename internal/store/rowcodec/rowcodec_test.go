package rowcodec

import (
	"reflect"
	"testing"

	"lookout/internal/model"
)

func TestIDHalves(t *testing.T) {
	for _, id := range []model.TraceID{{}, {0xff, 1, 2, 3, 4, 5, 6, 7, 0x80}, {15: 1}} {
		hi, lo := TraceHalves(id)
		if got := TraceFromHalves(hi, lo); got != id {
			t.Errorf("%s: got %s", id, got)
		}
	}
	sp := model.SpanID{0xf0, 0, 0, 0, 0, 0, 0, 1}
	if SpanInt(sp) >= 0 || SpanFromInt(SpanInt(sp)) != sp {
		t.Errorf("span id %s: %d", sp, SpanInt(sp))
	}
}

func TestJSONRoundTrip(t *testing.T) {
	attrs := model.Attributes{{Key: "k", Value: model.ArrayValue(model.IntValue(1), model.StringValue("x"))}}
	scope := model.Scope{Name: "n", Version: "v", Attributes: attrs, DroppedAttributesCount: 2, SchemaURL: "u"}
	events := []model.SpanEvent{{TimeUnixNano: 5, Name: "e", Attributes: attrs, DroppedAttributesCount: 1}}
	links := []model.SpanLink{{TraceID: model.TraceID{1}, SpanID: model.SpanID{2}, TraceState: "a=b", Flags: 1, Attributes: attrs}}

	s, err := EncodeScope(scope)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeScope("n", "v", s); err != nil || !reflect.DeepEqual(got, scope) {
		t.Errorf("scope: %+v, %v", got, err)
	}
	if s, _ := EncodeScope(model.Scope{Name: "only"}); s != "" {
		t.Errorf("a scope with nothing but its name encodes as %q, want \"\"", s)
	}
	e, err := EncodeEvents(events)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeEvents(e); err != nil || !reflect.DeepEqual(got, events) {
		t.Errorf("events: %+v, %v", got, err)
	}
	l, err := EncodeLinks(links)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeLinks(l); err != nil || !reflect.DeepEqual(got, links) {
		t.Errorf("links: %+v, %v", got, err)
	}
	if _, err := DecodeLinks(`[{"t":"zz","s":"00"}]`); err == nil {
		t.Error("a link with a bad trace id: want an error")
	}
	if got, err := DecodeEvents(""); err != nil || got != nil {
		t.Errorf("no events: %v, %v", got, err)
	}
}
