package model

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ValueKind says which field of a Value holds its content.
type ValueKind uint8

// The kinds mirror OTLP's AnyValue, which is the widest of the four protocols.
const (
	KindEmpty ValueKind = iota
	KindString
	KindBool
	KindInt
	KindDouble
	KindBytes
	KindArray
	KindMap
)

// Value is a typed attribute or log-body value.
type Value struct {
	Kind   ValueKind
	Str    string
	Bool   bool
	Int    int64
	Double float64
	Bytes  []byte
	Array  []Value
	Map    []KeyValue
}

// KeyValue is one attribute. Lists keep the sender's order.
type KeyValue struct {
	Key   string
	Value Value
}

// Attributes is an ordered attribute list.
type Attributes []KeyValue

// Constructors for the scalar kinds.
func StringValue(s string) Value    { return Value{Kind: KindString, Str: s} }
func BoolValue(b bool) Value        { return Value{Kind: KindBool, Bool: b} }
func IntValue(i int64) Value        { return Value{Kind: KindInt, Int: i} }
func DoubleValue(f float64) Value   { return Value{Kind: KindDouble, Double: f} }
func BytesValue(b []byte) Value     { return Value{Kind: KindBytes, Bytes: b} }
func ArrayValue(v ...Value) Value   { return Value{Kind: KindArray, Array: v} }
func MapValue(kv ...KeyValue) Value { return Value{Kind: KindMap, Map: kv} }

// Get returns the value of the first attribute named key.
func (a Attributes) Get(key string) (Value, bool) {
	for _, kv := range a {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return Value{}, false
}

// AsString renders the value as text for search and display: scalars plainly,
// bytes as base64, arrays and maps as JSON.
func (v Value) AsString() string {
	switch v.Kind {
	case KindString:
		return v.Str
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindDouble:
		return strconv.FormatFloat(v.Double, 'g', -1, 64)
	case KindBytes:
		return base64.StdEncoding.EncodeToString(v.Bytes)
	case KindArray, KindMap:
		var b strings.Builder
		writePlainJSON(&b, v)
		return b.String()
	}
	return ""
}

func writePlainJSON(b *strings.Builder, v Value) {
	switch v.Kind {
	case KindArray:
		b.WriteByte('[')
		for i, e := range v.Array {
			if i > 0 {
				b.WriteByte(',')
			}
			writePlainJSON(b, e)
		}
		b.WriteByte(']')
	case KindMap:
		b.WriteByte('{')
		for i, kv := range v.Map {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(kv.Key)
			b.Write(k)
			b.WriteByte(':')
			writePlainJSON(b, kv.Value)
		}
		b.WriteByte('}')
	case KindString, KindBytes:
		s, _ := json.Marshal(v.AsString())
		b.Write(s)
	case KindEmpty:
		b.WriteString("null")
	default:
		b.WriteString(v.AsString())
	}
}

// jsonValue is the compact, lossless storage encoding of a Value: exactly one
// field is set. Ints travel as strings so no JSON reader rounds them.
type jsonValue struct {
	S *string     `json:"s,omitempty"`
	B *bool       `json:"b,omitempty"`
	I *string     `json:"i,omitempty"`
	D *float64    `json:"d,omitempty"`
	F *string     `json:"f,omitempty"` // a non-finite double: "NaN", "+Inf", "-Inf"
	Y *[]byte     `json:"y,omitempty"`
	A *[]Value    `json:"a,omitempty"`
	M *[]KeyValue `json:"m,omitempty"`
}

type jsonKV struct {
	K string `json:"k"`
	V Value  `json:"v"`
}

// MarshalJSON encodes the value losslessly (see jsonValue).
func (v Value) MarshalJSON() ([]byte, error) {
	var j jsonValue
	switch v.Kind {
	case KindString:
		j.S = &v.Str
	case KindBool:
		j.B = &v.Bool
	case KindInt:
		s := strconv.FormatInt(v.Int, 10)
		j.I = &s
	case KindDouble:
		if math.IsNaN(v.Double) || math.IsInf(v.Double, 0) {
			f := strconv.FormatFloat(v.Double, 'g', -1, 64) // JSON has no literal for these
			j.F = &f
		} else {
			j.D = &v.Double
		}
	case KindBytes:
		b := v.Bytes
		if b == nil {
			b = []byte{}
		}
		j.Y = &b
	case KindArray:
		a := v.Array
		if a == nil {
			a = []Value{}
		}
		j.A = &a
	case KindMap:
		m := v.Map
		if m == nil {
			m = []KeyValue{}
		}
		j.M = &m
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes what MarshalJSON wrote.
func (v *Value) UnmarshalJSON(data []byte) error {
	var j jsonValue
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	switch {
	case j.S != nil:
		*v = StringValue(*j.S)
	case j.B != nil:
		*v = BoolValue(*j.B)
	case j.I != nil:
		i, err := strconv.ParseInt(*j.I, 10, 64)
		if err != nil {
			return fmt.Errorf("int value %q: %w", *j.I, err)
		}
		*v = IntValue(i)
	case j.D != nil:
		*v = DoubleValue(*j.D)
	case j.F != nil:
		f, err := strconv.ParseFloat(*j.F, 64)
		if err != nil {
			return fmt.Errorf("double value %q: %w", *j.F, err)
		}
		*v = DoubleValue(f)
	case j.Y != nil:
		*v = BytesValue(*j.Y)
	case j.A != nil:
		*v = Value{Kind: KindArray, Array: *j.A}
	case j.M != nil:
		*v = Value{Kind: KindMap, Map: *j.M}
	default:
		*v = Value{}
	}
	return nil
}

// MarshalJSON encodes the pair as {"k":..,"v":..}.
func (kv KeyValue) MarshalJSON() ([]byte, error) { return json.Marshal(jsonKV{kv.Key, kv.Value}) }

// UnmarshalJSON decodes {"k":..,"v":..}.
func (kv *KeyValue) UnmarshalJSON(data []byte) error {
	var j jsonKV
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	kv.Key, kv.Value = j.K, j.V
	return nil
}
