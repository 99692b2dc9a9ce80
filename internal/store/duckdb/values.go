package duckdb

import (
	"encoding/json"
	"fmt"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// Attribute lists and log bodies are stored as typed text, once:
//
//	keys   VARCHAR[]   attribute keys, in the sender's order
//	values VARCHAR[]   model.Value.AsString of each value, for filtering and GROUP BY
//	types  UTINYINT[]  model.ValueKind of each value
//	nested VARCHAR     JSON list (model encoding) of the array and map values, in
//	                   order; empty when there are none
//
// Scalars round-trip exactly through their text: strings as is, ints and
// bools by strconv, doubles by the shortest 'g' form (NaN and ±Inf
// included), bytes by standard base64. Only arrays and maps, whose AsString
// form loses their types, need the lossless JSON.

// nestedJSON is the nested column of a list: its array and map values in
// order, or "" when there are none. The other columns are filled in
// attrCols.encode (write_encode.go).
func nestedJSON(a model.Attributes) (string, error) {
	var nested []model.Value
	for _, kv := range a {
		if rowcodec.IsNested(kv.Value.Kind) {
			nested = append(nested, kv.Value)
		}
	}
	if nested == nil {
		return "", nil
	}
	b, err := json.Marshal(nested)
	if err != nil {
		return "", fmt.Errorf("encode attribute values: %w", err)
	}
	return string(b), nil
}

// decodeList rebuilds attributes from the scanned columns (lists arrive
// from the driver as []any).
func decodeList(keys, values, types any, nested string) (model.Attributes, error) {
	ks, _ := keys.([]any)
	vs, _ := values.([]any)
	ts, _ := types.([]any)
	if len(ks) != len(vs) || len(ks) != len(ts) {
		return nil, fmt.Errorf("attribute lists of %d keys, %d values, %d types", len(ks), len(vs), len(ts))
	}
	if len(ks) == 0 {
		return nil, nil
	}
	var nv []model.Value
	if nested != "" {
		if err := json.Unmarshal([]byte(nested), &nv); err != nil {
			return nil, fmt.Errorf("decode nested attribute values: %w", err)
		}
	}
	a := make(model.Attributes, len(ks))
	for i := range ks {
		k, _ := ks[i].(string)
		v, _ := vs[i].(string)
		t, _ := ts[i].(uint8)
		val, err := decodeValue(model.ValueKind(t), v, &nv)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		a[i] = model.KeyValue{Key: k, Value: val}
	}
	return a, nil
}

// encodeValue encodes a single value (a log body) the same way.
func encodeValue(v model.Value) (kind uint8, txt, nested string, err error) {
	if rowcodec.IsNested(v.Kind) {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, "", "", fmt.Errorf("encode value: %w", err)
		}
		nested = string(b)
	}
	return uint8(v.Kind), text(v.AsString()), nested, nil
}

// decodeValue parses a scalar from its text, or takes the next nested value.
func decodeValue(k model.ValueKind, s string, nested *[]model.Value) (model.Value, error) {
	if !rowcodec.IsNested(k) {
		return rowcodec.Scalar(k, s)
	}
	if nested == nil || len(*nested) == 0 {
		return model.Value{}, fmt.Errorf("nested value missing")
	}
	v := (*nested)[0]
	*nested = (*nested)[1:]
	if v.Kind != k {
		return v, fmt.Errorf("nested value of kind %d, want %d", v.Kind, k)
	}
	return v, nil
}
