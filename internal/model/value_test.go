package model

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

func TestValueJSONRoundTrip(t *testing.T) {
	attrs := Attributes{
		{"empty", Value{}},
		{"s", StringValue("héllo \"x\"")},
		{"b", BoolValue(true)},
		{"i", IntValue(math.MaxInt64)},
		{"neg", IntValue(math.MinInt64)},
		{"d", DoubleValue(-0.125)},
		{"inf", ArrayValue(DoubleValue(math.Inf(1)), DoubleValue(math.Inf(-1)))},
		{"y", BytesValue([]byte{0, 255, 1})},
		{"a", ArrayValue(IntValue(1), StringValue("two"), ArrayValue())},
		{"m", MapValue(KeyValue{"k", MapValue(KeyValue{"deep", BoolValue(false)})}, KeyValue{"k", IntValue(2)})},
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		t.Fatal(err)
	}
	var back Attributes
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalise(attrs), normalise(back)) {
		t.Errorf("round trip through %s:\n got %#v\nwant %#v", b, back, attrs)
	}
}

// normalise maps empty containers to nil, which JSON cannot tell apart.
func normalise(a Attributes) Attributes {
	out := make(Attributes, len(a))
	for i, kv := range a {
		out[i] = KeyValue{kv.Key, normaliseValue(kv.Value)}
	}
	return out
}

func normaliseValue(v Value) Value {
	if len(v.Array) == 0 {
		v.Array = nil
	}
	for i := range v.Array {
		v.Array[i] = normaliseValue(v.Array[i])
	}
	if len(v.Map) == 0 {
		v.Map = nil
	}
	v.Map = normalise(v.Map)
	if len(v.Map) == 0 {
		v.Map = nil
	}
	return v
}

func TestAsString(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{StringValue("x"), "x"},
		{BoolValue(false), "false"},
		{IntValue(-42), "-42"},
		{DoubleValue(2.5), "2.5"},
		{BytesValue([]byte{0xde, 0xad}), "3q0="},
		{ArrayValue(IntValue(1), StringValue("a\"b"), Value{}), `[1,"a\"b",null]`},
		{MapValue(KeyValue{"k", ArrayValue(BoolValue(true))}), `{"k":[true]}`},
		{Value{}, ""},
	}
	for _, tc := range tests {
		if got := tc.v.AsString(); got != tc.want {
			t.Errorf("AsString(%#v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestInvalidIntJSON(t *testing.T) {
	var v Value
	if err := json.Unmarshal([]byte(`{"i":"12x"}`), &v); err == nil {
		t.Error("want an error for a malformed int")
	}
}

func TestNaNSurvivesJSON(t *testing.T) {
	b, err := json.Marshal(ArrayValue(DoubleValue(math.NaN())))
	if err != nil {
		t.Fatal(err)
	}
	var back Value
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Array) != 1 || back.Array[0].Kind != KindDouble || !math.IsNaN(back.Array[0].Double) {
		t.Errorf("NaN came back as %#v from %s", back, b)
	}
}
