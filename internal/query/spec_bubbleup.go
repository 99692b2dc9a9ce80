package query

import (
	"strings"
	"time"
)

// BubbleUpSpec is the JSON body of a BubbleUp request: the query whose spans
// are compared (its calculations and breakdowns are ignored) and the
// selection within them.
type BubbleUpSpec struct {
	Query     Spec          `json:"query"`
	Selection SelectionSpec `json:"selection"`
}

// SelectionSpec is the JSON form of a Selection: times are Unix seconds; a
// heatmap region is start_time..end_time × min..max of column.
type SelectionSpec struct {
	StartTime         *int64       `json:"start_time,omitempty"`
	EndTime           *int64       `json:"end_time,omitempty"`
	Column            string       `json:"column,omitempty"`
	Min               *float64     `json:"min,omitempty"`
	Max               *float64     `json:"max,omitempty"`
	Filters           []SpecFilter `json:"filters,omitempty"`
	FilterCombination string       `json:"filter_combination,omitempty"`
}

// ParseBubbleUp decodes a BubbleUp request into a normalized query and a
// valid selection. Errors are *FieldError; the query's fields are named
// under "query.".
func ParseBubbleUp(data []byte, now time.Time) (Query, Selection, error) {
	var s BubbleUpSpec
	if err := decodeStrict(data, &s); err != nil {
		return Query{}, Selection{}, err
	}
	q, err := s.Query.Query(now)
	if err != nil {
		if fe, ok := err.(*FieldError); ok {
			return Query{}, Selection{}, &FieldError{Field: "query." + fe.Field, Err: fe.Err}
		}
		return Query{}, Selection{}, err
	}
	if q.Source != SourceSpans {
		return Query{}, Selection{}, fieldErr("query.source", "BubbleUp compares spans; %s are not supported yet", q.Source)
	}
	sel, err := s.Selection.Selection()
	if err != nil {
		return Query{}, Selection{}, err
	}
	return q, sel, nil
}

// Selection compiles the JSON selection and validates it.
func (s SelectionSpec) Selection() (Selection, error) {
	sel := Selection{Column: s.Column, Min: s.Min, Max: s.Max, FilterCombination: Combination(strings.ToUpper(s.FilterCombination))}
	if s.StartTime != nil {
		sel.Start = time.Unix(*s.StartTime, 0).UTC()
	}
	if s.EndTime != nil {
		sel.End = time.Unix(*s.EndTime, 0).UTC()
	}
	var err error
	if sel.Filters, err = specFilters("selection.filters", s.Filters); err != nil {
		return Selection{}, err
	}
	if sel.FilterCombination == "" {
		sel.FilterCombination = And
	}
	return sel, ValidateSelection(sel)
}
