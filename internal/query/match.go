package query

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"lookout/internal/model"
)

// SpanMatcher decides span filters in Go, with the semantics a store gives
// them (see Filter and the column names of SpanFields, ScopedAttr and
// EventPrefix). It serves work on the spans of a few traces already read,
// where asking the store again would cost more; selecting spans or traces
// is the store's.
type SpanMatcher struct {
	filters []Filter
	comb    Combination
	res     []*regexp.Regexp // by filter; set for matches and does-not-match
}

// NewSpanMatcher validates the filters (as Query.Validate does) and returns
// their matcher; an empty combination means And.
func NewSpanMatcher(fs []Filter, comb Combination) (*SpanMatcher, error) {
	if err := validateFilters("filters", fs); err != nil {
		return nil, err
	}
	m := &SpanMatcher{filters: fs, comb: comb, res: make([]*regexp.Regexp, len(fs))}
	for i, f := range fs {
		if f.Op == FilterMatches || f.Op == FilterDoesNotMatch {
			m.res[i] = regexp.MustCompile(`^(?:` + f.Values[0].(string) + `)$`) // validated
		}
	}
	return m, nil
}

// Match reports whether the span satisfies the filters.
func (m *SpanMatcher) Match(sp *model.Span) bool {
	if len(m.filters) == 0 {
		return true
	}
	and := m.comb != Or
	for i, f := range m.filters {
		if matchFilter(sp, f, m.res[i]) != and {
			return !and
		}
	}
	return and
}

// matchFilter decides one filter: a positive operator holds when a value of
// the column satisfies it, a negated one when none satisfies its positive
// form (so a missing column satisfies every negation).
func matchFilter(sp *model.Span, f Filter, re *regexp.Regexp) bool {
	pos, negated := f.Op.Positive()
	vals := SpanValues(sp, f.Column)
	boolNum := f.Column == ColError // the one boolean a store also reads as 1 or 0
	hit := slices.ContainsFunc(vals, func(v model.Value) bool { return matchValue(v, pos, f.Values, re, boolNum) })
	return hit != negated
}

// matchValue decides a positive operator on one present value.
func matchValue(v model.Value, op FilterOp, want []any, re *regexp.Regexp, boolNum bool) bool {
	text := v.AsString()
	switch op {
	case FilterExists:
		return true
	case FilterContains:
		return strings.Contains(text, want[0].(string))
	case FilterStartsWith:
		return strings.HasPrefix(text, want[0].(string))
	case FilterMatches:
		return re.MatchString(text)
	case FilterIn:
		return slices.ContainsFunc(want, func(w any) bool { return compareValue(v, FilterEq, w, boolNum) })
	}
	return compareValue(v, op, want[0], boolNum)
}

// compareValue compares as a store does: as numbers when want is a number
// (a value that does not read as one never satisfies), else as text, a
// boolean as "true"/"false".
func compareValue(v model.Value, op FilterOp, want any, boolNum bool) bool {
	var c int
	if w, ok := want.(float64); ok {
		n, ok := numberOf(v, boolNum)
		if !ok {
			return false
		}
		switch {
		case n < w:
			c = -1
		case n > w:
			c = 1
		}
	} else {
		c = strings.Compare(v.AsString(), fmt.Sprint(want))
	}
	switch op {
	case FilterEq:
		return c == 0
	case FilterGt:
		return c > 0
	case FilterGe:
		return c >= 0
	case FilterLt:
		return c < 0
	case FilterLe:
		return c <= 0
	}
	return false
}

// numberOf reads a value as a number: numbers as themselves, text when it
// parses as a decimal number, booleans as 1 and 0 only when boolNum (stored
// attributes hold them as the text true/false).
func numberOf(v model.Value, boolNum bool) (float64, bool) {
	switch v.Kind {
	case model.KindBool:
		if v.Bool {
			return 1, boolNum
		}
		return 0, boolNum
	case model.KindInt:
		return float64(v.Int), true
	case model.KindDouble:
		return v.Double, true
	case model.KindString:
		n, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64)
		return n, err == nil
	}
	return 0, false
}

// kindNames are the span.kind values, by model.SpanKind.
var kindNames = []string{"unspecified", "internal", "server", "client", "producer", "consumer"}

// KindName is the span.kind value of a span kind.
func KindName(k model.SpanKind) string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return strconv.Itoa(int(k))
}

// SpanValues returns the values of a column on a span, typed: a span
// field's value as SpanFields types it, an attribute's as sent, the values
// of an event column in event order. It returns none when the span lacks
// the column; only event columns have more than one.
func SpanValues(sp *model.Span, column string) []model.Value {
	one := func(v model.Value) []model.Value { return []model.Value{v} }
	text := func(s string) []model.Value {
		if s == "" {
			return nil
		}
		return one(model.StringValue(s))
	}
	if scope, key, ok := ScopedAttr(column); ok {
		attrs := sp.Attributes
		if scope == ResourceScope {
			attrs = sp.Resource.Attributes
		}
		if v, ok := attrs.Get(key); ok {
			return one(v)
		}
		return nil
	}
	switch column {
	case ColDuration:
		return one(model.DoubleValue(float64(sp.DurationNano()) / 1e6))
	case ColName:
		return one(model.StringValue(sp.Name))
	case ColService:
		return one(model.StringValue(sp.Service()))
	case ColStatusCode:
		return one(model.IntValue(int64(sp.StatusCode)))
	case ColStatusMessage:
		return text(sp.StatusMessage)
	case ColError:
		return one(model.BoolValue(sp.StatusCode == model.StatusError))
	case ColKind:
		return one(model.StringValue(KindName(sp.Kind)))
	case ColTraceID:
		return one(model.StringValue(sp.TraceID.String()))
	case ColSpanID:
		return one(model.StringValue(sp.SpanID.String()))
	case ColParentID:
		if sp.ParentSpanID.IsZero() {
			return nil
		}
		return one(model.StringValue(sp.ParentSpanID.String()))
	case ColLibraryName:
		return text(sp.Scope.Name)
	case ColLibraryVer:
		return text(sp.Scope.Version)
	}
	if key, ok := strings.CutPrefix(column, EventPrefix); ok && key != "" {
		var out []model.Value
		for _, e := range sp.Events {
			if key == "name" {
				out = append(out, model.StringValue(e.Name))
			} else if v, ok := e.Attributes.Get(key); ok {
				out = append(out, v)
			}
		}
		return out
	}
	if v, ok := sp.Attributes.Get(column); ok {
		return one(v)
	}
	if v, ok := sp.Resource.Attributes.Get(column); ok {
		return one(v)
	}
	return nil
}
