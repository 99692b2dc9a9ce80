package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// DefaultTimeRange is the range of a specification that gives none, as in
// Honeycomb: the last two hours.
const DefaultTimeRange = 2 * time.Hour

// Spec is Honeycomb's Query Specification, the JSON form of a Query. Times
// are Unix seconds and durations seconds. Dataset is Lookout's addition
// (Honeycomb puts it in the URL), as is Source ("spans", the default, or
// "logs").
type Spec struct {
	Dataset           string            `json:"dataset,omitempty"`
	Source            string            `json:"source,omitempty"`
	TimeRange         *int64            `json:"time_range,omitempty"`
	StartTime         *int64            `json:"start_time,omitempty"`
	EndTime           *int64            `json:"end_time,omitempty"`
	Granularity       *int64            `json:"granularity,omitempty"`
	Calculations      []SpecCalculation `json:"calculations,omitempty"`
	Filters           []SpecFilter      `json:"filters,omitempty"`
	FilterCombination string            `json:"filter_combination,omitempty"`
	Breakdowns        []string          `json:"breakdowns,omitempty"`
	Orders            []SpecOrder       `json:"orders,omitempty"`
	Havings           []SpecHaving      `json:"havings,omitempty"`
	Limit             *int              `json:"limit,omitempty"`
}

// SpecCalculation is one entry of "calculations".
type SpecCalculation struct {
	Op     string `json:"op"`
	Column string `json:"column,omitempty"`
}

// SpecFilter is one entry of "filters". Value is a string, number or
// boolean, or a list of them for in and not-in.
type SpecFilter struct {
	Column string          `json:"column"`
	Op     string          `json:"op"`
	Value  json.RawMessage `json:"value,omitempty"`
}

// SpecOrder is one entry of "orders": a calculation (op, column) or a
// breakdown (column alone); order is "ascending" or "descending" (default).
type SpecOrder struct {
	Op     string `json:"op,omitempty"`
	Column string `json:"column,omitempty"`
	Order  string `json:"order,omitempty"`
}

// SpecHaving is one entry of "havings".
type SpecHaving struct {
	CalculateOp string  `json:"calculate_op"`
	Column      string  `json:"column,omitempty"`
	Op          string  `json:"op"`
	Value       float64 `json:"value"`
}

// ParseSpec decodes a JSON specification and compiles it into a normalized,
// valid Query; relative times are read against now. Unknown fields are
// errors. Every error is a *FieldError naming the field.
func ParseSpec(data []byte, now time.Time) (Query, error) {
	s, err := DecodeSpec(data)
	if err != nil {
		return Query{}, err
	}
	return s.Query(now)
}

// DecodeSpec decodes a JSON specification strictly, as ParseSpec does,
// without compiling it (a caller may set fields first, such as the source a
// URL names).
func DecodeSpec(data []byte) (Spec, error) {
	var s Spec
	if err := decodeStrict(data, &s); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// decodeStrict decodes one JSON object, refusing unknown fields and
// trailing data, and names the field of a type error.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fieldErr(te.Field, "want %s, got %s", te.Type, te.Value)
		}
		if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return fieldErr(strings.Trim(msg, `"`), "unknown field")
		}
		return fieldErr("body", "%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fieldErr("body", "trailing data after the JSON object")
	}
	return nil
}

// Query compiles the specification into a normalized, valid Query.
func (s Spec) Query(now time.Time) (Query, error) {
	q := Query{Dataset: s.Dataset, Source: Source(strings.ToLower(s.Source)), Breakdowns: s.Breakdowns, FilterCombination: Combination(strings.ToUpper(s.FilterCombination))}
	var err error
	if q.Start, q.End, err = timeRange(s.TimeRange, s.StartTime, s.EndTime, now); err != nil {
		return Query{}, err
	}
	if s.Granularity != nil {
		if *s.Granularity <= 0 {
			return Query{}, fieldErr("granularity", "%d: must be positive", *s.Granularity)
		}
		q.Granularity = time.Duration(*s.Granularity) * time.Second
	}
	if s.Limit != nil {
		if *s.Limit <= 0 {
			return Query{}, fieldErr("limit", "%d: must be positive", *s.Limit)
		}
		q.Limit = *s.Limit
	}
	for _, c := range s.Calculations {
		q.Calculations = append(q.Calculations, Calculation{Op: Op(strings.ToUpper(c.Op)), Column: c.Column})
	}
	if q.Filters, err = specFilters("filters", s.Filters); err != nil {
		return Query{}, err
	}
	for i, o := range s.Orders {
		ord := Order{Op: Op(strings.ToUpper(o.Op)), Column: o.Column}
		switch strings.ToLower(o.Order) {
		case "", "descending", "desc":
			ord.Descending = true
		case "ascending", "asc":
		default:
			return Query{}, fieldErr(fmt.Sprintf("orders[%d].order", i), "%q: want ascending or descending", o.Order)
		}
		q.Orders = append(q.Orders, ord)
	}
	for _, h := range s.Havings {
		q.Havings = append(q.Havings, Having{CalculateOp: Op(strings.ToUpper(h.CalculateOp)), Column: h.Column, Op: FilterOp(h.Op), Value: h.Value})
	}
	if err := q.Normalize(); err != nil {
		return Query{}, err
	}
	return q, nil
}

// timeRange resolves Honeycomb's three time fields: start and end; start or
// end plus a range; a range alone ending now; nothing (the default range).
func timeRange(rng, start, end *int64, now time.Time) (time.Time, time.Time, error) {
	if rng != nil && *rng <= 0 {
		return time.Time{}, time.Time{}, fieldErr("time_range", "%d: must be positive", *rng)
	}
	d := DefaultTimeRange
	if rng != nil {
		d = time.Duration(*rng) * time.Second
	}
	unix := func(p *int64) time.Time { return time.Unix(*p, 0).UTC() }
	switch {
	case start != nil && end != nil:
		if rng != nil {
			return time.Time{}, time.Time{}, fieldErr("time_range", "give at most two of time_range, start_time and end_time")
		}
		return unix(start), unix(end), nil
	case start != nil:
		return unix(start), unix(start).Add(d), nil
	case end != nil:
		return unix(end).Add(-d), unix(end), nil
	default:
		return now.Add(-d), now, nil
	}
}

func specFilters(field string, sf []SpecFilter) ([]Filter, error) {
	var out []Filter
	for i, f := range sf {
		flt := Filter{Column: f.Column, Op: FilterOp(strings.ToLower(f.Op))}
		vals, err := filterValues(f.Value)
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("%s[%d].value", field, i), "%v", err)
		}
		flt.Values = vals
		out = append(out, flt)
	}
	if err := validateFilters(field, out); err != nil {
		return nil, err
	}
	return out, nil
}

// filterValues reads a filter value: absent, a scalar, or a list of scalars.
func filterValues(raw json.RawMessage) ([]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	for _, x := range list {
		switch x.(type) {
		case string, float64, bool:
		default:
			return nil, fmt.Errorf("%s: want a string, number or boolean (or a list of them)", raw)
		}
	}
	return list, nil
}
