package query

import (
	"errors"
	"testing"
	"time"
)

var now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func TestParseSpec(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		check      func(t *testing.T, q Query)
	}{
		{"Defaults", `{}`, func(t *testing.T, q Query) {
			if !q.End.Equal(now) || q.End.Sub(q.Start) != DefaultTimeRange || q.Granularity != 5*time.Minute ||
				q.Limit != DefaultLimit || q.Dataset != DatasetAll || q.FilterCombination != And ||
				len(q.Calculations) != 1 || q.Calculations[0].Op != OpCount {
				t.Errorf("defaults: %+v", q)
			}
		}},
		{"StartEnd", `{"start_time":1741600000,"end_time":1741603600,"granularity":60}`, func(t *testing.T, q Query) {
			if q.Start.Unix() != 1741600000 || q.End.Unix() != 1741603600 || q.Granularity != time.Minute {
				t.Errorf("got %s..%s / %s", q.Start, q.End, q.Granularity)
			}
		}},
		{"StartPlusRange", `{"start_time":1741600000,"time_range":600}`, func(t *testing.T, q Query) {
			if q.End.Unix() != 1741600600 {
				t.Errorf("end %s", q.End)
			}
		}},
		{"EndMinusRange", `{"end_time":1741600000,"time_range":600}`, func(t *testing.T, q Query) {
			if q.Start.Unix() != 1741599400 {
				t.Errorf("start %s", q.Start)
			}
		}},
		{"Everything", `{"calculations":[{"op":"count"},{"op":"P99","column":"duration_ms"},{"op":"HEATMAP","column":"duration_ms"}],
			"filters":[{"column":"a","op":"in","value":["x",1,true]},{"column":"b","op":"exists"},{"column":"c","op":">","value":3.5}],
			"filter_combination":"or","breakdowns":["service.name","a"],"orders":[{"op":"P99","column":"duration_ms","order":"ascending"},{"column":"a"}],
			"havings":[{"calculate_op":"COUNT","op":">","value":10}],"limit":7}`, func(t *testing.T, q Query) {
			if len(q.Filters) != 3 || len(q.Filters[0].Values) != 3 || q.Filters[2].Values[0] != 3.5 || q.FilterCombination != Or ||
				q.Orders[0].Descending || !q.Orders[1].Descending || q.Limit != 7 || q.Havings[0].Value != 10 {
				t.Errorf("got %+v", q)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseSpec([]byte(tc.spec), now)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, q)
		})
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, tc := range []struct{ spec, field string }{
		{`{"time_range":0}`, "time_range"},
		{`{"time_range":60,"start_time":1,"end_time":2}`, "time_range"},
		{`{"start_time":10,"end_time":5}`, "time_range"},
		{`{"granularity":-1}`, "granularity"},
		{`{"time_range":86400,"granularity":1}`, "granularity"},
		{`{"limit":1001}`, "limit"},
		{`{"filter_combination":"XOR"}`, "filter_combination"},
		{`{"calculations":[{"op":"AVG"}]}`, "calculations[0]"},
		{`{"calculations":[{"op":"COUNT","column":"x"}]}`, "calculations[0]"},
		{`{"calculations":[{"op":"P0","column":"x"}]}`, "calculations[0]"},
		{`{"filters":[{"column":"","op":"="}]}`, "filters[0].column"},
		{`{"filters":[{"column":"a","op":"like","value":"x"}]}`, "filters[0].op"},
		{`{"filters":[{"column":"a","op":"exists","value":"x"}]}`, "filters[0].value"},
		{`{"filters":[{"column":"a","op":"in"}]}`, "filters[0].value"},
		{`{"filters":[{"column":"a","op":"contains","value":3}]}`, "filters[0].value"},
		{`{"filters":[{"column":"a","op":"=","value":{"x":1}}]}`, "filters[0].value"},
		{`{"filters":[{"column":"a","op":"matches","value":"(x"}]}`, "filters[0].value"},
		{`{"filters":[{"column":"a","op":"does-not-match","value":5}]}`, "filters[0].value"},
		{`{"filters":[{"column":"resource:","op":"exists"}]}`, "filters[0].column"},
		{`{"breakdowns":["a","a"]}`, "breakdowns[1]"},
		{`{"orders":[{"column":"a"}]}`, "orders[0]"},
		{`{"orders":[{"op":"COUNT","order":"sideways"}]}`, "orders[0].order"},
		{`{"havings":[{"calculate_op":"P99","column":"d","op":">","value":1}]}`, "havings[0]"},
		{`{"havings":[{"calculate_op":"COUNT","op":"contains","value":1}]}`, "havings[0].op"},
		{`{"bogus":1}`, "bogus"},
		{`{"limit":"ten"}`, "limit"},
		{`{} {}`, "body"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			_, err := ParseSpec([]byte(tc.spec), now)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("error %v, want one on field %q", err, tc.field)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	for op, want := range map[Op]float64{"P001": 0.001, "P01": 0.01, "P05": 0.05, "P50": 0.5, "P90": 0.9, "P95": 0.95, "P99": 0.99, "P999": 0.999} {
		if q, ok := op.Percentile(); !ok || q != want {
			t.Errorf("%s: %v %v, want %v", op, q, ok, want)
		}
	}
	for _, op := range []Op{"P", "P5", "P00", "PX9", "COUNT", "P99999"} {
		if _, ok := op.Percentile(); ok {
			t.Errorf("%s: want not a percentile", op)
		}
	}
}

func TestParseBubbleUp(t *testing.T) {
	_, sel, err := ParseBubbleUp([]byte(`{"query":{},"selection":{"start_time":1741600000,"end_time":1741600600,"column":"duration_ms","min":100}}`), now)
	if err != nil || sel.Column != "duration_ms" || *sel.Min != 100 || sel.Max != nil || sel.End.Unix() != 1741600600 {
		t.Fatalf("got %+v, %v", sel, err)
	}
	for _, tc := range []struct{ spec, field string }{
		{`{"query":{},"selection":{}}`, "selection"},
		{`{"query":{"limit":0},"selection":{"min":1,"column":"d"}}`, "query.limit"},
		{`{"query":{},"selection":{"min":5,"max":1,"column":"d"}}`, "selection.min"},
		{`{"query":{},"selection":{"filters":[{"column":"a","op":"?"}]}}`, "selection.filters[0].op"},
	} {
		_, _, err := ParseBubbleUp([]byte(tc.spec), now)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: error %v, want one on field %q", tc.spec, err, tc.field)
		}
	}
}

func TestRankBubbleUp(t *testing.T) {
	// 10 inside, 90 outside; "a" splits them perfectly, "b" not at all.
	res := RankBubbleUp(10, 90, []ValueCount{
		{Column: "b", Value: "x", Inside: 10, Outside: 90, ColumnInside: 10, ColumnOutside: 90, Distinct: 1},
		{Column: "a", Value: "slow", Inside: 10, Outside: 0, ColumnInside: 10, ColumnOutside: 45, Distinct: 2},
		{Column: "a", Value: "fast", Inside: 0, Outside: 45, ColumnInside: 10, ColumnOutside: 45, Distinct: 2},
	})
	if len(res.Columns) != 2 || res.Columns[0].Column != "a" || res.Columns[0].Score != 1 || res.Columns[1].Score != 0 {
		t.Fatalf("got %+v", res.Columns)
	}
	// a's missing value: 45 outside spans lack it.
	if v := res.Columns[0].Values; len(v) != 3 || v[0].Value != "slow" || v[2].Value != nil || v[2].Outside != 45 {
		t.Errorf("values %+v", v)
	}
}
