package query

import (
	"fmt"
	"time"

	"lookout/internal/model"
)

// Trace-level selection: which traces (not spans) a query keeps. A trace is
// a candidate when one of its spans started in [Start, End); a TraceFilter
// then decides from the trace's spans that started within Reach of that
// window, [Start-Reach, End+Reach).

// Limits and defaults of a trace query.
const (
	// DefaultTraceReach is the Reach of a TraceQuery that sets none.
	DefaultTraceReach = 15 * time.Minute
	// DefaultTraceLimit is the number of traces returned when Limit is zero.
	DefaultTraceLimit = 500
	// MaxTraceLimit is the largest Limit of a trace query.
	MaxTraceLimit = 10000
	// MaxTraceFilterDepth bounds the nesting of a TraceFilter.
	MaxTraceFilterDepth = 256
)

// TraceQuery selects the traces of a time window that satisfy a filter,
// newest first: by the earliest start of their spans in [Start, End),
// descending, then by trace id descending. Paging is by keyset: pass the
// last TraceRef of the previous page as After.
type TraceQuery struct {
	Start, End time.Time
	// Where selects traces; nil selects every candidate.
	Where *TraceFilter
	// Reach is how far outside [Start, End) the spans a filter reads may
	// have started; 0 means DefaultTraceReach. Spans further out are not
	// seen by Where (a trace longer than Reach is judged on part of it).
	Reach time.Duration
	// After continues from the previous page; nil: from the newest trace.
	After *TraceRef
	// Limit caps the traces returned; 0 means DefaultTraceLimit.
	Limit int
}

// TraceRef is one selected trace: its id and the earliest start (unix ns)
// of its spans in the query's window.
type TraceRef struct {
	ID    model.TraceID
	Start int64
}

// TraceOp is the kind of a TraceFilter node.
type TraceOp string

// The trace filter kinds.
const (
	// TraceAll holds when every child does (no child: always).
	TraceAll TraceOp = "and"
	// TraceAny holds when some child does (no child: never).
	TraceAny TraceOp = "or"
	// TraceNot holds when its one child does not.
	TraceNot TraceOp = "not"
	// TraceSpan holds when some span of the trace matches Filters joined
	// by Combination (Filter semantics, as in Query).
	TraceSpan TraceOp = "span"
	// TraceRoot is TraceSpan over the trace's root span only: its earliest
	// span without a parent. A trace without one does not match.
	TraceRoot TraceOp = "root"
	// TraceMeasure holds when the trace's Measure satisfies Cmp against
	// Value. A trace lacking the measure does not match.
	TraceMeasure TraceOp = "measure"
	// TraceAggregate holds when Calc (COUNT, or SUM, AVG, MIN or MAX of a
	// column read as a number) over the trace's spans that match Filters
	// joined by Combination satisfies Cmp against Value. A trace with no
	// such span, or none with a numeric value of the column, does not match.
	TraceAggregate TraceOp = "aggregate"
)

// Measure is a number computed over a whole trace.
type Measure string

// The trace measures, in milliseconds.
const (
	// MeasureDuration is the last end minus the first start of the trace's
	// spans.
	MeasureDuration Measure = "trace.duration_ms"
	// MeasureRootDuration is the duration of the trace's root span (the
	// earliest span without a parent; the longest copy when its id came more
	// than once).
	MeasureRootDuration Measure = "trace.root.duration_ms"
)

// TraceFilter is a predicate over a trace: a tree of TraceAll, TraceAny and
// TraceNot over span conditions (TraceSpan, TraceRoot) and trace measures.
type TraceFilter struct {
	Op       TraceOp
	Children []*TraceFilter // TraceAll, TraceAny; TraceNot has exactly one
	// Filters and Combination of TraceSpan and TraceRoot.
	Filters     []Filter
	Combination Combination
	// Measure, Cmp (=, !=, >, >=, <, <=) and Value of TraceMeasure; Cmp and
	// Value also of TraceAggregate.
	Measure Measure
	Cmp     FilterOp
	Value   float64
	// Calc of TraceAggregate.
	Calc Calculation
}

// AllOf holds when every filter holds.
func AllOf(fs ...*TraceFilter) *TraceFilter { return &TraceFilter{Op: TraceAll, Children: fs} }

// AnyOf holds when some filter holds.
func AnyOf(fs ...*TraceFilter) *TraceFilter { return &TraceFilter{Op: TraceAny, Children: fs} }

// NotOf holds when f does not.
func NotOf(f *TraceFilter) *TraceFilter {
	return &TraceFilter{Op: TraceNot, Children: []*TraceFilter{f}}
}

// SomeSpan holds when some span of the trace matches all filters.
func SomeSpan(fs ...Filter) *TraceFilter {
	return &TraceFilter{Op: TraceSpan, Filters: fs, Combination: And}
}

// SomeSpanOr holds when some span of the trace matches any of the filters.
func SomeSpanOr(fs ...Filter) *TraceFilter {
	return &TraceFilter{Op: TraceSpan, Filters: fs, Combination: Or}
}

// RootSpan holds when the trace's root span matches all filters.
func RootSpan(fs ...Filter) *TraceFilter {
	return &TraceFilter{Op: TraceRoot, Filters: fs, Combination: And}
}

// MeasureIs holds when the trace's measure m satisfies op against v.
func MeasureIs(m Measure, op FilterOp, v float64) *TraceFilter {
	return &TraceFilter{Op: TraceMeasure, Measure: m, Cmp: op, Value: v}
}

// AggregateIs holds when calc over the trace's spans that match all
// filters satisfies op against v.
func AggregateIs(calc Calculation, op FilterOp, v float64, fs ...Filter) *TraceFilter {
	return &TraceFilter{Op: TraceAggregate, Calc: calc, Cmp: op, Value: v, Filters: fs, Combination: And}
}

// Always and Never are the constant filters.
func Always() *TraceFilter { return AllOf() }

// Never holds for no trace.
func Never() *TraceFilter { return AnyOf() }

// String renders the filter for logs and test failures.
func (f *TraceFilter) String() string {
	if f == nil {
		return "true"
	}
	switch f.Op {
	case TraceAll, TraceAny:
		s := string(f.Op) + "("
		for i, c := range f.Children {
			if i > 0 {
				s += ", "
			}
			s += c.String()
		}
		return s + ")"
	case TraceNot:
		if len(f.Children) == 1 {
			return "not(" + f.Children[0].String() + ")"
		}
	case TraceMeasure:
		return fmt.Sprintf("%s %s %g", f.Measure, f.Cmp, f.Value)
	case TraceAggregate:
		return fmt.Sprintf("%s%v/%s %s %g", f.Calc.Name(), f.Filters, f.Combination, f.Cmp, f.Value)
	}
	return fmt.Sprintf("%s%v/%s", f.Op, f.Filters, f.Combination)
}

// Normalize fills the defaults (Reach, Limit, AND combinations) and
// validates.
func (q *TraceQuery) Normalize() error {
	if q.Reach == 0 {
		q.Reach = DefaultTraceReach
	}
	if q.Limit == 0 {
		q.Limit = DefaultTraceLimit
	}
	if q.Where != nil {
		q.Where.normalize()
	}
	return q.Validate()
}

func (f *TraceFilter) normalize() {
	if f == nil {
		return
	}
	if (f.Op == TraceSpan || f.Op == TraceRoot || f.Op == TraceAggregate) && f.Combination == "" {
		f.Combination = And
	}
	for _, c := range f.Children {
		c.normalize()
	}
}

// Validate reports the first invalid field, as a *FieldError ("where",
// "where.children[1].filters[0].op", ...).
func (q *TraceQuery) Validate() error {
	switch {
	case q.Start.IsZero() || q.End.IsZero():
		return fieldErr("time_range", "start and end must be set")
	case !q.End.After(q.Start):
		return fieldErr("time_range", "end %s is not after start %s", q.End.Format(time.RFC3339), q.Start.Format(time.RFC3339))
	case q.Reach < 0:
		return fieldErr("reach", "%s: must not be negative", q.Reach)
	case q.Limit < 1 || q.Limit > MaxTraceLimit:
		return fieldErr("limit", "%d: must be within 1..%d", q.Limit, MaxTraceLimit)
	}
	if q.Where == nil {
		return nil
	}
	return q.Where.validate("where", 0)
}

func (f *TraceFilter) validate(field string, depth int) error {
	if f == nil {
		return fieldErr(field, "nil filter")
	}
	if depth > MaxTraceFilterDepth {
		return fieldErr(field, "nested deeper than %d", MaxTraceFilterDepth)
	}
	switch f.Op {
	case TraceAll, TraceAny, TraceNot:
		if f.Op == TraceNot && len(f.Children) != 1 {
			return fieldErr(field+".children", "not takes one filter, got %d", len(f.Children))
		}
		if len(f.Filters) != 0 || f.Measure != "" || f.Calc != (Calculation{}) {
			return fieldErr(field, "%s takes only children", f.Op)
		}
		for i, c := range f.Children {
			if err := c.validate(fmt.Sprintf("%s.children[%d]", field, i), depth+1); err != nil {
				return err
			}
		}
		return nil
	case TraceSpan, TraceRoot:
		if len(f.Children) != 0 || f.Measure != "" || f.Calc != (Calculation{}) {
			return fieldErr(field, "%s takes only filters", f.Op)
		}
		if f.Combination != And && f.Combination != Or {
			return fieldErr(field+".combination", "%q: want AND or OR", f.Combination)
		}
		if err := validateFilters(field+".filters", f.Filters); err != nil {
			return err
		}
		return checkFilterTypes(field+".filters", SourceSpans, f.Filters)
	case TraceAggregate:
		if len(f.Children) != 0 || f.Measure != "" {
			return fieldErr(field, "aggregate takes no children or measure")
		}
		if f.Combination != And && f.Combination != Or {
			return fieldErr(field+".combination", "%q: want AND or OR", f.Combination)
		}
		switch f.Calc.Op {
		case OpCount, OpSum, OpAvg, OpMin, OpMax:
		default:
			return fieldErr(field+".calc", "%q: want COUNT, SUM, AVG, MIN or MAX", f.Calc.Op)
		}
		if err := f.Calc.validate(SourceSpans); err != nil {
			return &FieldError{Field: field + ".calc", Err: err}
		}
		if err := validateCmp(field, f.Cmp); err != nil {
			return err
		}
		if err := validateFilters(field+".filters", f.Filters); err != nil {
			return err
		}
		return checkFilterTypes(field+".filters", SourceSpans, f.Filters)
	case TraceMeasure:
		if len(f.Children) != 0 || len(f.Filters) != 0 || f.Calc != (Calculation{}) {
			return fieldErr(field, "measure takes no children or filters")
		}
		switch f.Measure {
		case MeasureDuration, MeasureRootDuration:
		default:
			return fieldErr(field+".measure", "%q: want %s or %s", f.Measure, MeasureDuration, MeasureRootDuration)
		}
		return validateCmp(field, f.Cmp)
	}
	return fieldErr(field+".op", "%q: want and, or, not, span, root, measure or aggregate", f.Op)
}

func validateCmp(field string, op FilterOp) error {
	switch op {
	case FilterEq, FilterNe, FilterGt, FilterGe, FilterLt, FilterLe:
		return nil
	}
	return fieldErr(field+".op", "%q: want =, !=, >, >=, < or <=", op)
}
