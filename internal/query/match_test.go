package query

import (
	"testing"

	"lookout/internal/model"
)

func TestSpanMatcher(t *testing.T) {
	sp := model.Span{
		Name: "GET /cart", Kind: model.SpanKindServer, StatusCode: model.StatusError,
		StartUnixNano: 1e9, EndUnixNano: 1e9 + 120e6,
		Attributes: model.Attributes{
			{Key: "http.status_code", Value: model.IntValue(500)},
			{Key: "name", Value: model.StringValue("attr-name")},
			{Key: "retry", Value: model.BoolValue(true)},
		},
		Resource: model.Resource{Attributes: model.Attributes{
			{Key: "service.name", Value: model.StringValue("checkout")},
			{Key: "region", Value: model.StringValue("eu")},
		}},
		Events: []model.SpanEvent{{Name: "exception"}, {Name: "retry"}},
	}
	f := func(col string, op FilterOp, vals ...any) Filter { return Filter{Column: col, Op: op, Values: vals} }
	cases := []struct {
		name  string
		fs    []Filter
		comb  Combination
		match bool
	}{
		{"no filter", nil, And, true},
		{"name", []Filter{f(ColName, FilterEq, "GET /cart")}, And, true},
		{"number", []Filter{f("http.status_code", FilterGe, 500.0)}, And, true},
		{"number as text", []Filter{f("http.status_code", FilterEq, "500")}, And, true},
		{"duration", []Filter{f(ColDuration, FilterGt, 100.0), f(ColDuration, FilterLt, 121.0)}, And, true},
		{"status", []Filter{f(ColStatusCode, FilterEq, 2.0), f(ColError, FilterEq, true), f(ColError, FilterEq, 1.0)}, And, true},
		{"kind", []Filter{f(ColKind, FilterIn, "client", "server")}, And, true},
		{"resource fallback", []Filter{f("region", FilterEq, "eu")}, And, true},
		{"scoped attribute is not the field", []Filter{f(AttrScope+"name", FilterEq, "attr-name")}, And, true},
		{"scoped attribute is not the resource", []Filter{f(AttrScope+"region", FilterExists)}, And, false},
		{"scoped resource", []Filter{f(ResourceScope+"service.name", FilterEq, "checkout")}, And, true},
		{"negation matches a missing column", []Filter{f("missing", FilterNe, "x"), f(ColStatusMessage, FilterDoesNotMatch, ".*")}, And, true},
		{"regex is anchored", []Filter{f(ColName, FilterMatches, "GET")}, And, false},
		{"regex", []Filter{f(ColName, FilterMatches, "GET /c.*")}, And, true},
		{"boolean attribute is not a number", []Filter{f("retry", FilterEq, 1.0)}, And, false},
		{"boolean attribute as text", []Filter{f("retry", FilterEq, true)}, And, true},
		{"any event", []Filter{f("event.name", FilterEq, "retry")}, And, true},
		{"no event", []Filter{f("event.name", FilterNe, "retry")}, And, false},
		{"or", []Filter{f(ColName, FilterEq, "x"), f(ColKind, FilterEq, "server")}, Or, true},
		{"and", []Filter{f(ColName, FilterEq, "x"), f(ColKind, FilterEq, "server")}, And, false},
	}
	for _, c := range cases {
		m, err := NewSpanMatcher(c.fs, c.comb)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := m.Match(&sp); got != c.match {
			t.Errorf("%s: Match = %v, want %v", c.name, got, c.match)
		}
	}
	if _, err := NewSpanMatcher([]Filter{f("a", FilterMatches, "(")}, And); err == nil {
		t.Error("a bad regular expression was accepted")
	}
}
