package api

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"lookout/internal/model"
)

// appendValue writes v as plain JSON, the way a log viewer shows it: strings,
// booleans and numbers as themselves, bytes as base64 strings, arrays as
// arrays, maps as objects (keys in the sender's order), empty as null.
// Doubles JSON cannot hold (NaN, ±Inf) become the strings "NaN", "+Inf" and
// "-Inf". Integers are written exactly; readers that parse numbers as doubles
// lose precision beyond 2^53, as with any JSON number.
func appendValue(b []byte, v model.Value) []byte {
	switch v.Kind {
	case model.KindString:
		return appendString(b, v.Str)
	case model.KindBool:
		return strconv.AppendBool(b, v.Bool)
	case model.KindInt:
		return strconv.AppendInt(b, v.Int, 10)
	case model.KindDouble:
		switch {
		case math.IsNaN(v.Double):
			return append(b, `"NaN"`...)
		case math.IsInf(v.Double, 1):
			return append(b, `"+Inf"`...)
		case math.IsInf(v.Double, -1):
			return append(b, `"-Inf"`...)
		}
		return strconv.AppendFloat(b, v.Double, 'g', -1, 64)
	case model.KindBytes:
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.Bytes)
		return append(b, '"')
	case model.KindArray:
		b = append(b, '[')
		for i, e := range v.Array {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	case model.KindMap:
		return appendAttrs(b, v.Map)
	}
	return append(b, "null"...)
}

// appendAttrs writes attributes as one JSON object in their order. A key
// that appears twice is written twice; JSON readers keep the last.
func appendAttrs(b []byte, attrs []model.KeyValue) []byte {
	b = append(b, '{')
	for i, kv := range attrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, kv.Key)
		b = append(b, ':')
		b = appendValue(b, kv.Value)
	}
	return append(b, '}')
}

// appendString writes s as a JSON string. Unlike encoding/json it leaves
// <, > and & alone (the replies are JSON, not HTML); invalid UTF-8 becomes
// U+FFFD.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = utf8.AppendRune(b, r) // RuneError for invalid bytes
		}
	}
	return append(b, '"')
}

// valueJSON and attrsJSON wrap the appenders as raw JSON for struct fields.
func valueJSON(v model.Value) json.RawMessage { return appendValue(nil, v) }

func attrsJSON(a model.Attributes) json.RawMessage { return appendAttrs(nil, a) }
