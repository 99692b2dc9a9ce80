package query

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// FieldError is a validation failure naming the offending field of the
// specification, as "calculations[1].op".
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Normalize fills defaults (COUNT when there is no calculation, AND, the
// default limit, a granularity giving about 100 buckets) and then validates.
func (q *Query) Normalize() error {
	if q.Dataset == "" {
		q.Dataset = DatasetAll
	}
	if q.Source == "" {
		q.Source = SourceSpans
	}
	if len(q.Calculations) == 0 {
		q.Calculations = []Calculation{{Op: OpCount}}
	}
	if q.FilterCombination == "" {
		q.FilterCombination = And
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Granularity == 0 && q.End.After(q.Start) {
		q.Granularity = AutoGranularity(q.End.Sub(q.Start))
	}
	return q.Validate()
}

// AutoGranularity returns a round bucket width that cuts d into about 100
// buckets, at least one second.
func AutoGranularity(d time.Duration) time.Duration {
	steps := []time.Duration{time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	for _, s := range steps {
		if d/s <= 100 {
			return s
		}
	}
	return d / 100
}

// Validate reports the first invalid field, as a *FieldError.
func (q *Query) Validate() error {
	switch {
	case q.Start.IsZero() || q.End.IsZero():
		return fieldErr("time_range", "start and end must be set")
	case !q.End.After(q.Start):
		return fieldErr("time_range", "end %s is not after start %s", q.End.Format(time.RFC3339), q.Start.Format(time.RFC3339))
	case q.Granularity < time.Second:
		return fieldErr("granularity", "%s: must be at least 1s", q.Granularity)
	case q.End.Sub(q.Start)/q.Granularity > MaxBuckets:
		return fieldErr("granularity", "%s cuts the time range into more than %d buckets", q.Granularity, MaxBuckets)
	case q.Limit < 1 || q.Limit > MaxLimit:
		return fieldErr("limit", "%d: must be within 1..%d", q.Limit, MaxLimit)
	case q.FilterCombination != And && q.FilterCombination != Or:
		return fieldErr("filter_combination", "%q: want AND or OR", q.FilterCombination)
	case q.Source != "" && q.Source != SourceSpans && q.Source != SourceLogs && q.Source != SourceMetrics:
		return fieldErr("source", "%q: want spans, logs or metrics", q.Source)
	}
	if len(q.Calculations) == 0 {
		return fieldErr("calculations", "empty")
	}
	for i, c := range q.Calculations {
		if err := c.validate(q.Source); err != nil {
			return &FieldError{Field: fmt.Sprintf("calculations[%d]", i), Err: err}
		}
	}
	if err := validateFilters("filters", q.Filters); err != nil {
		return err
	}
	if err := checkFilterTypes("filters", q.Source, q.Filters); err != nil {
		return err
	}
	for i, b := range q.Breakdowns {
		if b == "" {
			return fieldErr(fmt.Sprintf("breakdowns[%d]", i), "empty column name")
		}
		if slices.Index(q.Breakdowns, b) != i {
			return fieldErr(fmt.Sprintf("breakdowns[%d]", i), "%q appears twice", b)
		}
	}
	for i, o := range q.Orders {
		f := fmt.Sprintf("orders[%d]", i)
		if o.Op == "" {
			if !slices.Contains(q.Breakdowns, o.Column) {
				return fieldErr(f, "column %q is not a breakdown", o.Column)
			}
			continue
		}
		c := Calculation{Op: o.Op, Column: o.Column}
		if o.Op == OpHeatmap {
			return fieldErr(f, "cannot order by HEATMAP")
		}
		if !slices.Contains(q.Calculations, c) {
			return fieldErr(f, "%s is not among the calculations", c.Name())
		}
	}
	for i, h := range q.Havings {
		f := fmt.Sprintf("havings[%d]", i)
		c := h.Calculation()
		if c.Op == OpHeatmap {
			return fieldErr(f, "cannot filter on HEATMAP")
		}
		if !slices.Contains(q.Calculations, c) {
			return fieldErr(f, "%s is not among the calculations", c.Name())
		}
		switch h.Op {
		case FilterEq, FilterNe, FilterGt, FilterGe, FilterLt, FilterLe:
		default:
			return fieldErr(f+".op", "%q: want =, !=, >, >=, < or <=", h.Op)
		}
	}
	return nil
}

func (c Calculation) validate(src Source) error {
	switch c.Op {
	case OpCount:
		if c.Column != "" {
			return errors.New("COUNT takes no column")
		}
		return nil
	case OpLast, OpRateSum:
		if src != SourceMetrics {
			return fmt.Errorf("%s reads metrics only (source metrics)", c.Op)
		}
	case OpHeatmap:
		if src == SourceMetrics {
			return errors.New("HEATMAP does not read metrics: use percentiles of a histogram")
		}
	case OpCountDistinct, OpSum, OpAvg, OpMin, OpMax:
	default:
		if _, ok := c.Op.Percentile(); !ok {
			return fmt.Errorf("op %q: want COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX, HEATMAP, a percentile such as P99, or LAST or RATE_SUM (metrics)", c.Op)
		}
	}
	if c.Column == "" {
		return fmt.Errorf("%s needs a column", c.Op)
	}
	return nil
}

func validateFilters(field string, fs []Filter) error {
	for i, f := range fs {
		name := fmt.Sprintf("%s[%d]", field, i)
		if f.Column == "" {
			return fieldErr(name+".column", "empty")
		}
		if scope, key, ok := ScopedAttr(f.Column); ok && key == "" {
			return fieldErr(name+".column", "%q: no attribute key after %q", f.Column, scope)
		}
		n, ok := arity[f.Op]
		if !ok {
			return fieldErr(name+".op", "%s: %q is not a filter operator", describe(f), f.Op)
		}
		switch {
		case n == 0 && len(f.Values) != 0:
			return fieldErr(name+".value", "%s takes no value", f.Op)
		case n == 1 && len(f.Values) != 1:
			return fieldErr(name+".value", "%s takes one value", f.Op)
		case n < 0 && len(f.Values) == 0:
			return fieldErr(name+".value", "%s takes a list of values", f.Op)
		}
		for _, v := range f.Values {
			switch v.(type) {
			case string, float64, bool:
			default:
				return fieldErr(name+".value", "%v (%T): want a string, number or boolean", v, v)
			}
			str, isStr := v.(string)
			switch f.Op {
			case FilterContains, FilterDoesNotContain, FilterStartsWith, FilterDoesNotStartWith, FilterMatches, FilterDoesNotMatch:
				if !isStr {
					return fieldErr(name+".value", "%s needs a string", f.Op)
				}
			}
			if f.Op == FilterMatches || f.Op == FilterDoesNotMatch {
				if _, err := regexp.Compile(str); err != nil {
					return fieldErr(name+".value", "%s: %w", f.Op, err)
				}
			}
		}
	}
	return nil
}

// ValidateSelection reports the first invalid field of a selection, as a
// *FieldError under "selection".
func ValidateSelection(s Selection) error {
	switch {
	case !s.Start.IsZero() && !s.End.IsZero() && !s.End.After(s.Start):
		return fieldErr("selection.end_time", "not after start_time")
	case (s.Min != nil || s.Max != nil) && s.Column == "":
		return fieldErr("selection.column", "a value range needs a column")
	case s.Min != nil && s.Max != nil && *s.Min > *s.Max:
		return fieldErr("selection.min", "%g is above max %g", *s.Min, *s.Max)
	case s.FilterCombination != "" && s.FilterCombination != And && s.FilterCombination != Or:
		return fieldErr("selection.filter_combination", "%q: want AND or OR", s.FilterCombination)
	case s.Empty():
		return fieldErr("selection", "selects nothing: give a time range, a value range or filters")
	}
	if err := validateFilters("selection.filters", s.Filters); err != nil {
		return err
	}
	return checkFilterTypes("selection.filters", SourceSpans, s.Filters)
}
