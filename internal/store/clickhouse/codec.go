package clickhouse

import (
	"fmt"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
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

// encodeAttrs splits a list into its arrays.
func encodeAttrs(a model.Attributes) (attrLists, error) {
	l := attrLists{keys: make([]string, len(a)), values: make([]string, len(a)), types: make([]uint8, len(a)), json: make([]string, len(a))}
	for i, kv := range a {
		kind, text, js, err := rowcodec.EncodeValue(kv.Value)
		if err != nil {
			return l, fmt.Errorf("attribute %q: %w", kv.Key, err)
		}
		l.keys[i], l.values[i], l.types[i], l.json[i] = kv.Key, text, kind, js
	}
	return l, nil
}

// Dest returns the scan destinations of the list.
func (l *attrLists) Dest() []any { return []any{&l.keys, &l.values, &l.types, &l.json} }

// Decode rebuilds the list.
func (l *attrLists) Decode() (model.Attributes, error) {
	n := len(l.keys)
	if len(l.values) != n || len(l.types) != n || len(l.json) != n {
		return nil, fmt.Errorf("attribute arrays of %d keys, %d values, %d types, %d json", n, len(l.values), len(l.types), len(l.json))
	}
	if n == 0 {
		return nil, nil
	}
	a := make(model.Attributes, n)
	for i := range a {
		v, err := rowcodec.DecodeValue(l.types[i], l.values[i], l.json[i])
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", l.keys[i], err)
		}
		a[i] = model.KeyValue{Key: l.keys[i], Value: v}
	}
	return a, nil
}
