package segment

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"lookout/internal/model"
)

// numberValue keeps a JSON number's type: an integral literal that fits
// int64 becomes an int, any other number a double.
func numberValue(n string) (model.Value, bool) {
	if n == "" {
		return model.Value{}, false
	}
	if !strings.ContainsAny(n, ".eE") {
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			return model.IntValue(i), true
		}
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return model.Value{}, false
	}
	return model.DoubleValue(f), true
}

// scalarValue decodes a JSON string, bool or number; ok is false for
// null, arrays, objects and anything malformed.
func scalarValue(raw json.RawMessage) (model.Value, bool) {
	if len(raw) == 0 {
		return model.Value{}, false
	}
	switch c := raw[0]; {
	case c == '"':
		if len(raw) >= 2 && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
			return model.StringValue(string(raw[1 : len(raw)-1])), true // no escapes: the bytes are the text
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return model.Value{}, false
		}
		return model.StringValue(s), true
	case c == 't' || c == 'f':
		return model.BoolValue(c == 't'), true
	case c == '-' || (c >= '0' && c <= '9'):
		return numberValue(string(raw))
	}
	return model.Value{}, false
}

// jsonValue decodes any JSON value for an attribute: scalars keep their
// type, an array of scalars becomes an array, anything else (objects,
// nested arrays) is kept as compact JSON text. null gives ok=false.
func jsonValue(raw json.RawMessage) (model.Value, bool) {
	if v, ok := scalarValue(raw); ok {
		return v, true
	}
	if len(raw) == 0 || raw[0] == 'n' {
		return model.Value{}, false
	}
	if raw[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			vals := make([]model.Value, 0, len(items))
			for _, it := range items {
				v, ok := scalarValue(it)
				if !ok {
					vals = nil
					break
				}
				vals = append(vals, v)
			}
			if vals != nil || len(items) == 0 {
				return model.ArrayValue(vals...), true
			}
		}
	}
	return model.StringValue(compactJSON(raw)), true
}

// compactJSON drops insignificant whitespace; raw comes from a decoded
// document, so it is valid JSON.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return Text(raw)
	}
	return Text(b.Bytes())
}

// Text makes a string of b, replacing invalid UTF-8 (which JSON decoding
// tolerates) with U+FFFD, so that stores get valid text.
func Text(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// jsonString decodes a JSON string; numbers and bools are rendered as text
// (some SDKs send ids as numbers).
func jsonString(raw json.RawMessage) string {
	v, ok := scalarValue(raw)
	if !ok {
		return ""
	}
	return v.AsString()
}
