package clickhouse

import (
	"math"
	"reflect"
	"testing"

	"lookout/internal/model"
)

func TestAttrRoundTrip(t *testing.T) {
	kv := func(k string, v model.Value) model.KeyValue { return model.KeyValue{Key: k, Value: v} }
	cases := []struct {
		name  string
		attrs model.Attributes
	}{
		{"None", nil},
		{"Scalars", model.Attributes{kv("s", model.StringValue("a\x00b'\\")), kv("b", model.BoolValue(true)),
			kv("i", model.IntValue(math.MinInt64)), kv("d", model.DoubleValue(math.SmallestNonzeroFloat64)),
			kv("inf", model.DoubleValue(math.Inf(-1))), kv("y", model.BytesValue([]byte{0, 0xff})), kv("e", model.Value{})}},
		{"Nested", model.Attributes{kv("a", model.ArrayValue(model.IntValue(1), model.MapValue(kv("m", model.BoolValue(false))))),
			kv("s", model.StringValue("between")), kv("m", model.MapValue(kv("x", model.Value{Kind: model.KindArray, Array: []model.Value{}})))}},
		{"DuplicateKeys", model.Attributes{kv("k", model.IntValue(1)), kv("k", model.StringValue("1"))}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := encodeAttrs(c.attrs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := l.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.attrs) {
				t.Errorf("got %#v\nwant %#v", got, c.attrs)
			}
		})
	}
	t.Run("MismatchedArrays", func(t *testing.T) {
		if _, err := (&attrLists{keys: []string{"a"}}).Decode(); err == nil {
			t.Error("decode of arrays of different lengths: want an error")
		}
	})
}
