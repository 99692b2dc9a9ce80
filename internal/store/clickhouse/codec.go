package clickhouse

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"lookout/internal/model"
)

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
