package clickhouse

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	"lookout/internal/model"
)

// Ids are stored as the big-endian bytes of the id read as signed 64-bit
// integers: a trace id as two columns (trace_hi, trace_lo), a span id as
// one. Integer keys compare and hash faster than FixedString(16), and the
// signed order is the order the store contract's keyset paging uses.

func traceHalves(t model.TraceID) (hi, lo int64) {
	return int64(binary.BigEndian.Uint64(t[:8])), int64(binary.BigEndian.Uint64(t[8:]))
}

func traceFromHalves(hi, lo int64) model.TraceID {
	var t model.TraceID
	binary.BigEndian.PutUint64(t[:8], uint64(hi))
	binary.BigEndian.PutUint64(t[8:], uint64(lo))
	return t
}

func spanInt(s model.SpanID) int64 { return int64(binary.BigEndian.Uint64(s[:])) }

func spanFromInt(v int64) model.SpanID {
	var s model.SpanID
	binary.BigEndian.PutUint64(s[:], uint64(v))
	return s
}

// An attribute list is stored as four parallel arrays (see the schema):
// keys, values as text (model.Value.AsString), kinds, and the lossless JSON
// of array and map values ("" for scalars). Scalars round-trip through
// their text: strings as is, ints and bools by strconv, doubles by the
// shortest 'g' form (NaN and ±Inf included), bytes by standard base64.

// attrLists are the four arrays of one attribute list.
type attrLists struct {
	keys, values []string
	types        []uint8
	json         []string
}

func isNested(k model.ValueKind) bool { return k == model.KindArray || k == model.KindMap }

// encodeAttrs splits a list into its arrays.
func encodeAttrs(a model.Attributes) (attrLists, error) {
	l := attrLists{keys: make([]string, len(a)), values: make([]string, len(a)), types: make([]uint8, len(a)), json: make([]string, len(a))}
	for i, kv := range a {
		kind, text, js, err := encodeValue(kv.Value)
		if err != nil {
			return l, fmt.Errorf("attribute %q: %w", kv.Key, err)
		}
		l.keys[i], l.values[i], l.types[i], l.json[i] = kv.Key, text, kind, js
	}
	return l, nil
}

// decode rebuilds the list.
func (l attrLists) decode() (model.Attributes, error) {
	n := len(l.keys)
	if len(l.values) != n || len(l.types) != n || len(l.json) != n {
		return nil, fmt.Errorf("attribute arrays of %d keys, %d values, %d types, %d json", n, len(l.values), len(l.types), len(l.json))
	}
	if n == 0 {
		return nil, nil
	}
	a := make(model.Attributes, n)
	for i := range a {
		v, err := decodeValue(l.types[i], l.values[i], l.json[i])
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", l.keys[i], err)
		}
		a[i] = model.KeyValue{Key: l.keys[i], Value: v}
	}
	return a, nil
}

// encodeValue returns a value's kind, text and, for arrays and maps, its
// lossless JSON.
func encodeValue(v model.Value) (kind uint8, text, js string, err error) {
	if isNested(v.Kind) {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, "", "", fmt.Errorf("encode value: %w", err)
		}
		js = string(b)
	}
	return uint8(v.Kind), v.AsString(), js, nil
}

// decodeValue parses what encodeValue wrote.
func decodeValue(kind uint8, s, js string) (model.Value, error) {
	switch k := model.ValueKind(kind); k {
	case model.KindEmpty:
		return model.Value{}, nil
	case model.KindString:
		return model.StringValue(s), nil
	case model.KindBool:
		b, err := strconv.ParseBool(s)
		return model.BoolValue(b), err
	case model.KindInt:
		i, err := strconv.ParseInt(s, 10, 64)
		return model.IntValue(i), err
	case model.KindDouble:
		f, err := strconv.ParseFloat(s, 64)
		return model.DoubleValue(f), err
	case model.KindBytes:
		b, err := base64.StdEncoding.DecodeString(s)
		return model.BytesValue(b), err
	case model.KindArray, model.KindMap:
		var v model.Value
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			return v, fmt.Errorf("decode value: %w", err)
		}
		if v.Kind != k {
			return v, fmt.Errorf("nested value of kind %d, want %d", v.Kind, k)
		}
		return v, nil
	}
	return model.Value{}, fmt.Errorf("unknown value kind %d", kind)
}

// The JSON columns (events, links, the rare parts of a scope) hold the
// model's lossless encoding in compact envelopes; "" stands for nothing.

type scopeJSON struct {
	A model.Attributes `json:"a,omitempty"`
	D uint32           `json:"d,omitempty"`
	U string           `json:"u,omitempty"`
}

type eventJSON struct {
	T int64            `json:"t"`
	N string           `json:"n,omitempty"`
	A model.Attributes `json:"a,omitempty"`
	D uint32           `json:"d,omitempty"`
}

type linkJSON struct {
	T  string           `json:"t"` // hex
	S  string           `json:"s"` // hex
	TS string           `json:"ts,omitempty"`
	F  uint32           `json:"f,omitempty"`
	A  model.Attributes `json:"a,omitempty"`
	D  uint32           `json:"d,omitempty"`
}

func marshal(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

func unmarshal(what, s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}

func encodeScope(s model.Scope) (string, error) {
	if len(s.Attributes) == 0 && s.DroppedAttributesCount == 0 && s.SchemaURL == "" {
		return "", nil
	}
	return marshal("scope", scopeJSON{s.Attributes, s.DroppedAttributesCount, s.SchemaURL})
}

func decodeScope(name, version, s string) (model.Scope, error) {
	var j scopeJSON
	err := unmarshal("scope", s, &j)
	return model.Scope{Name: name, Version: version, Attributes: j.A, DroppedAttributesCount: j.D, SchemaURL: j.U}, err
}

func encodeEvents(ev []model.SpanEvent) (string, error) {
	if len(ev) == 0 {
		return "", nil
	}
	js := make([]eventJSON, len(ev))
	for i, e := range ev {
		js[i] = eventJSON{e.TimeUnixNano, e.Name, e.Attributes, e.DroppedAttributesCount}
	}
	return marshal("events", js)
}

func decodeEvents(s string) ([]model.SpanEvent, error) {
	var js []eventJSON
	if err := unmarshal("events", s, &js); err != nil || js == nil {
		return nil, err
	}
	ev := make([]model.SpanEvent, len(js))
	for i, j := range js {
		ev[i] = model.SpanEvent{TimeUnixNano: j.T, Name: j.N, Attributes: j.A, DroppedAttributesCount: j.D}
	}
	return ev, nil
}

func encodeLinks(ls []model.SpanLink) (string, error) {
	if len(ls) == 0 {
		return "", nil
	}
	js := make([]linkJSON, len(ls))
	for i, l := range ls {
		js[i] = linkJSON{l.TraceID.String(), l.SpanID.String(), l.TraceState, l.Flags, l.Attributes, l.DroppedAttributesCount}
	}
	return marshal("links", js)
}

func decodeLinks(s string) ([]model.SpanLink, error) {
	var js []linkJSON
	if err := unmarshal("links", s, &js); err != nil || js == nil {
		return nil, err
	}
	ls := make([]model.SpanLink, len(js))
	for i, j := range js {
		t, err := model.ParseTraceID(j.T)
		if err != nil {
			return nil, fmt.Errorf("decode link %d: %w", i, err)
		}
		sp, err := model.ParseSpanID(j.S)
		if err != nil {
			return nil, fmt.Errorf("decode link %d: %w", i, err)
		}
		ls[i] = model.SpanLink{TraceID: t, SpanID: sp, TraceState: j.TS, Flags: j.F, Attributes: j.A, DroppedAttributesCount: j.D}
	}
	return ls, nil
}
