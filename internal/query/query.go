// Package query is Lookout's one query model: what to aggregate (calculations)
// over which spans (dataset, time range, filters), grouped how (breakdowns,
// granularity) and which groups to keep (havings, orders, limit). Honeycomb
// query specifications (ParseSpec), X-Ray filter expressions and CloudWatch
// filter patterns all compile into a Query; a store compiles a Query into its
// own language (SQL for the embedded store). Nothing here knows a backend.
package query

import (
	"fmt"
	"time"
)

// DatasetAll is the dataset of every service.
const DatasetAll = "all"

// Limits of a query.
const (
	// DefaultLimit is the number of groups returned when Limit is zero.
	DefaultLimit = 100
	// MaxLimit is the largest Limit.
	MaxLimit = 1000
	// MaxBuckets is the largest number of time buckets of a series.
	MaxBuckets = 2000
	// DefaultHeatmapBuckets is the number of value buckets of a HEATMAP.
	DefaultHeatmapBuckets = 50
)

// Query is one aggregation over spans. Start and End bound span start times,
// half open: [Start, End). A valid query (see Validate) has at least one
// calculation and a positive granularity.
type Query struct {
	// Dataset is a service name, or DatasetAll (also meant by "").
	Dataset string
	// Source is what is read: SourceSpans (also meant by "") or SourceLogs.
	// For logs, Start and End bound the event time.
	Source            Source
	Start, End        time.Time
	Granularity       time.Duration
	Calculations      []Calculation
	Filters           []Filter
	FilterCombination Combination
	Breakdowns        []string
	Orders            []Order
	Havings           []Having
	// Limit caps the groups returned; 0 means DefaultLimit.
	Limit int
}

// Op is a calculation operator.
type Op string

// The calculation operators. Percentiles are POp values (see Percentile).
const (
	OpCount         Op = "COUNT"
	OpCountDistinct Op = "COUNT_DISTINCT"
	OpSum           Op = "SUM"
	OpAvg           Op = "AVG"
	OpMin           Op = "MIN"
	OpMax           Op = "MAX"
	OpHeatmap       Op = "HEATMAP"
)

// Calculation is one aggregate: Op over Column (no column for COUNT).
type Calculation struct {
	Op     Op
	Column string
}

// Name is the calculation's key in results: "COUNT", "P99(duration_ms)".
func (c Calculation) Name() string {
	if c.Op == OpCount {
		return string(c.Op)
	}
	return fmt.Sprintf("%s(%s)", c.Op, c.Column)
}

// Percentile returns the quantile (0..1) of a percentile operator: P50 is
// 0.5, P99 0.99, P999 0.999, P001 0.001. ok is false for other operators.
func (o Op) Percentile() (q float64, ok bool) {
	s := string(o)
	if len(s) < 3 || len(s) > 4 || s[0] != 'P' {
		return 0, false
	}
	var num, den float64 = 0, 1
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		num = num*10 + float64(c-'0')
		den *= 10
	}
	if num == 0 {
		return 0, false
	}
	return num / den, true
}

// Numeric reports whether the operator reads its column as a number.
func (o Op) Numeric() bool {
	switch o {
	case OpSum, OpAvg, OpMin, OpMax, OpHeatmap:
		return true
	}
	_, ok := o.Percentile()
	return ok
}

// FilterOp is a filter operator.
type FilterOp string

// The filter operators, spelled as in Honeycomb's query specification.
const (
	FilterEq               FilterOp = "="
	FilterNe               FilterOp = "!="
	FilterGt               FilterOp = ">"
	FilterGe               FilterOp = ">="
	FilterLt               FilterOp = "<"
	FilterLe               FilterOp = "<="
	FilterExists           FilterOp = "exists"
	FilterDoesNotExist     FilterOp = "does-not-exist"
	FilterContains         FilterOp = "contains"
	FilterDoesNotContain   FilterOp = "does-not-contain"
	FilterStartsWith       FilterOp = "starts-with"
	FilterDoesNotStartWith FilterOp = "does-not-start-with"
	FilterIn               FilterOp = "in"
	FilterNotIn            FilterOp = "not-in"
	// FilterMatches holds when the whole text of the column matches the
	// value, a regular expression in RE2 syntax (as Go's regexp reads it),
	// anchored at both ends; FilterDoesNotMatch is its negation.
	FilterMatches      FilterOp = "matches"
	FilterDoesNotMatch FilterOp = "does-not-match"
)

// arity is how many values each operator takes: 0 none, 1 one, -1 one or more.
var arity = map[FilterOp]int{
	FilterEq: 1, FilterNe: 1, FilterGt: 1, FilterGe: 1, FilterLt: 1, FilterLe: 1,
	FilterExists: 0, FilterDoesNotExist: 0,
	FilterContains: 1, FilterDoesNotContain: 1, FilterStartsWith: 1, FilterDoesNotStartWith: 1,
	FilterIn: -1, FilterNotIn: -1,
	FilterMatches: 1, FilterDoesNotMatch: 1,
}

// Negated reports whether the operator is a negation (!=, does-not-*,
// not-in). A negated filter also matches spans that lack the column, as the
// opposite of the positive filter does not.
func (o FilterOp) Negated() bool {
	_, ok := negations[o]
	return ok
}

// negations maps each negated operator to its positive form.
var negations = map[FilterOp]FilterOp{
	FilterNe: FilterEq, FilterDoesNotContain: FilterContains, FilterDoesNotStartWith: FilterStartsWith,
	FilterNotIn: FilterIn, FilterDoesNotExist: FilterExists, FilterDoesNotMatch: FilterMatches,
}

// Positive returns the positive form of a negated operator (= for !=,
// exists for does-not-exist, ...) and true; the operator itself and false
// when it is not negated.
func (o FilterOp) Positive() (FilterOp, bool) {
	if p, ok := negations[o]; ok {
		return p, true
	}
	return o, false
}

// Filter keeps spans whose Column satisfies Op against Values. Values are
// string, float64 or bool. A numeric value compares the column as a number
// (spans whose column is not a number do not match =, <, ...); a string
// compares it as text; a bool compares it with "true"/"false". The regular
// expression of matches and does-not-match is a string that compiles.
type Filter struct {
	Column string
	Op     FilterOp
	Values []any
}

// Combination joins filters.
type Combination string

// The combinations; the zero value means AND.
const (
	And Combination = "AND"
	Or  Combination = "OR"
)

// Order sorts the groups by a calculation (Op and Column as in Calculation)
// or, when Op is empty, by a breakdown Column.
type Order struct {
	Op         Op
	Column     string
	Descending bool
}

// Having keeps the groups whose calculation (CalculateOp over Column)
// satisfies Op (=, !=, >, >=, <, <=) against Value.
type Having struct {
	CalculateOp Op
	Column      string
	Op          FilterOp
	Value       float64
}

// Calculation returns the calculation the having refers to.
func (h Having) Calculation() Calculation { return Calculation{Op: h.CalculateOp, Column: h.Column} }

// Selection is the part of a query's spans that BubbleUp compares with the
// rest: spans within [Start, End) (zero: the query's range) whose Column lies
// within [Min, Max] (nil: unbounded), and that match Filters.
type Selection struct {
	Start, End        time.Time
	Column            string
	Min, Max          *float64
	Filters           []Filter
	FilterCombination Combination
}

// Empty reports whether the selection selects nothing in particular.
func (s Selection) Empty() bool {
	return s.Start.IsZero() && s.End.IsZero() && s.Min == nil && s.Max == nil && len(s.Filters) == 0
}
