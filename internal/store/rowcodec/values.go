package rowcodec

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"lookout/internal/model"
)

// Values are stored as typed text: model.Value.AsString of the value and
// its model.ValueKind. Scalars round-trip exactly through their text:
// strings as is, ints and bools by strconv, doubles by the shortest 'g'
// form (NaN and ±Inf included), bytes by standard base64. Arrays and maps,
// whose text loses their types, are kept as JSON beside it.

// IsNested tells whether values of kind k need their JSON.
func IsNested(k model.ValueKind) bool { return k == model.KindArray || k == model.KindMap }

// Scalar parses a scalar of kind k from its text; nested kinds are not
// scalars (an error).
func Scalar(k model.ValueKind, s string) (model.Value, error) {
	switch k {
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
		return model.Value{}, fmt.Errorf("value of kind %d is not a scalar", k)
	}
	return model.Value{}, fmt.Errorf("unknown value kind %d", k)
}

// EncodeValue returns a single value's kind, text and, for arrays and
// maps, its JSON.
func EncodeValue(v model.Value) (kind uint8, text, js string, err error) {
	if IsNested(v.Kind) {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, "", "", fmt.Errorf("encode value: %w", err)
		}
		js = string(b)
	}
	return uint8(v.Kind), v.AsString(), js, nil
}

// DecodeValue parses what EncodeValue wrote.
func DecodeValue(kind uint8, text, js string) (model.Value, error) {
	k := model.ValueKind(kind)
	if !IsNested(k) {
		return Scalar(k, text)
	}
	var v model.Value
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		return v, fmt.Errorf("decode value: %w", err)
	}
	if v.Kind != k {
		return v, fmt.Errorf("nested value of kind %d, want %d", v.Kind, k)
	}
	return v, nil
}

// TypedText turns an attribute's stored text back into its type (kind, a
// model.ValueKind); text that does not parse stays text, and a value that
// is not text is returned as is.
func TypedText(v any, kind model.ValueKind) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	switch kind {
	case model.KindInt:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case model.KindDouble:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	case model.KindBool:
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	}
	return s
}
