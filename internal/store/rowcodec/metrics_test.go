package rowcodec

import (
	"fmt"
	"math"
	"testing"

	"lookout/internal/model"
)

func TestMetricJSONRoundTrip(t *testing.T) {
	attrs := model.Attributes{{Key: "k", Value: model.StringValue("v")}}
	cases := []struct {
		name string
		ex   []model.Exemplar
	}{
		{"none", nil},
		{"double with ids", []model.Exemplar{{TimeUnixNano: 7, Value: model.Number{Kind: model.NumberDouble, Double: 1.5},
			FilteredAttributes: attrs, TraceID: model.TraceID{1, 15: 2}, SpanID: model.SpanID{3}}}},
		{"int, no ids", []model.Exemplar{{TimeUnixNano: 8, Value: model.Number{Kind: model.NumberInt, Int: math.MinInt64}}}},
		{"no value", []model.Exemplar{{TimeUnixNano: 9}}},
		{"doubles JSON cannot hold", []model.Exemplar{
			{Value: model.Number{Kind: model.NumberDouble, Double: math.NaN()}},
			{Value: model.Number{Kind: model.NumberDouble, Double: math.Inf(-1)}},
			{Value: model.Number{Kind: model.NumberDouble, Double: math.Copysign(0, -1)}},
		}},
	}
	for _, c := range cases {
		s, err := EncodeExemplars(c.ex)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := DecodeExemplars(s)
		// %v tells NaN and -0 apart where DeepEqual cannot.
		if err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", c.ex) {
			t.Errorf("%s: %+v, %v; want %+v", c.name, got, err, c.ex)
		}
	}
	if _, err := DecodeExemplars(`[{"t":1,"ti":"zz"}]`); err == nil {
		t.Error("an exemplar with a bad trace id: want an error")
	}

	for _, md := range []model.Attributes{nil, attrs} {
		s, err := EncodeMetadata(md)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeMetadata(s); err != nil || fmt.Sprint(got) != fmt.Sprint(md) {
			t.Errorf("metadata %v: %v, %v", md, got, err)
		}
	}
}
