package storetest

import (
	"encoding/json"
	"reflect"
	"testing"

	"lookout/internal/model"
)

// The suite treats a nil and an empty slice as equal (no storage encoding
// keeps the difference, and no reader of the model may rely on it); every
// other difference fails.

func normValue(v model.Value) model.Value {
	if len(v.Bytes) == 0 {
		v.Bytes = nil
	}
	if len(v.Array) == 0 {
		v.Array = nil
	}
	v.Array = mapSlice(v.Array, normValue)
	v.Map = normAttrs(v.Map)
	return v
}

func normAttrs(a []model.KeyValue) []model.KeyValue {
	return mapSlice(a, func(kv model.KeyValue) model.KeyValue {
		return model.KeyValue{Key: kv.Key, Value: normValue(kv.Value)}
	})
}

func mapSlice[T any](s []T, f func(T) T) []T {
	if len(s) == 0 {
		return nil
	}
	out := make([]T, len(s))
	for i, e := range s {
		out[i] = f(e)
	}
	return out
}

func normResource(r model.Resource) model.Resource {
	r.Attributes = normAttrs(r.Attributes)
	return r
}

func normScope(s model.Scope) model.Scope {
	s.Attributes = normAttrs(s.Attributes)
	return s
}

func normSpan(s model.Span) model.Span {
	s.Attributes = normAttrs(s.Attributes)
	s.Events = mapSlice(s.Events, func(e model.SpanEvent) model.SpanEvent {
		e.Attributes = normAttrs(e.Attributes)
		return e
	})
	s.Links = mapSlice(s.Links, func(l model.SpanLink) model.SpanLink {
		l.Attributes = normAttrs(l.Attributes)
		return l
	})
	s.Resource, s.Scope = normResource(s.Resource), normScope(s.Scope)
	return s
}

func normLog(l model.LogEvent) model.LogEvent {
	l.Body = normValue(l.Body)
	l.Attributes = normAttrs(l.Attributes)
	l.Resource, l.Scope = normResource(l.Resource), normScope(l.Scope)
	return l
}

// sameSpans fails the test unless got equals want, element by element.
func sameSpans(t *testing.T, what string, got, want []model.Span) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d spans %q, want %d %q", what, len(got), spanNames(got), len(want), spanNames(want))
		return
	}
	for i := range want {
		g, w := normSpan(got[i]), normSpan(want[i])
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: span %d differs:\n got %s\nwant %s", what, i, dump(g), dump(w))
		}
	}
}

// sameLogs fails the test unless got equals want, element by element.
func sameLogs(t *testing.T, what string, got, want []model.LogEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d log events %v, want %d %v", what, len(got), logIndexes(got), len(want), logIndexes(want))
		return
	}
	for i := range want {
		g, w := normLog(got[i]), normLog(want[i])
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: log event %d differs:\n got %s\nwant %s", what, i, dump(g), dump(w))
		}
	}
}

// dump renders a value in full for failure messages; ids and attribute
// kinds stay visible because Value's JSON encoding is typed.
func dump(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// logIndexes lists the i attributes of events, for failure messages.
func logIndexes(ls []model.LogEvent) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		v, _ := l.Attributes.Get("i")
		out[i] = v.AsString()
	}
	return out
}
