package traceql

import (
	"fmt"

	"lookout/internal/query"
)

// Conditions over one span are brought into disjunctive form: a list of
// alternatives, each a conjunction of query filters on the span, on the
// trace's root span and on trace measures. "Some span matches (a && (b ||
// c))" is then "some span matches a && b, or some span matches a && c",
// which query.TraceFilter expresses with one SomeSpan per alternative.

// MaxAlternatives bounds the alternatives one spanset expands to.
const MaxAlternatives = 64

// measureCmp compares a trace measure.
type measureCmp struct {
	m  query.Measure
	op query.FilterOp
	v  float64
}

// conj is one alternative: every filter and comparison holds.
type conj struct {
	span, root []query.Filter
	measures   []measureCmp
}

func (c conj) isEmpty() bool { return len(c.span) == 0 && len(c.root) == 0 && len(c.measures) == 0 }

// dnf is a disjunction of alternatives: no alternative is false, one empty
// alternative is true.
type dnf []conj

func truth() dnf { return dnf{{}} }

func or(a, b dnf) (dnf, error) {
	if len(a)+len(b) > MaxAlternatives {
		return nil, tooMany()
	}
	return append(append(dnf{}, a...), b...), nil
}

func and(a, b dnf) (dnf, error) {
	if len(a)*len(b) > MaxAlternatives {
		return nil, tooMany()
	}
	out := make(dnf, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, conj{
				span:     append(append([]query.Filter{}, x.span...), y.span...),
				root:     append(append([]query.Filter{}, x.root...), y.root...),
				measures: append(append([]measureCmp{}, x.measures...), y.measures...),
			})
		}
	}
	return out, nil
}

func tooMany() error {
	return &Error{Msg: fmt.Sprintf("a spanset expands to more than %d alternatives: simplify its && and || nesting", MaxAlternatives)}
}

// filter is the trace filter "some span satisfies one of the alternatives".
func (d dnf) filter() *query.TraceFilter {
	var kids []*query.TraceFilter
	for _, c := range d {
		if c.isEmpty() {
			return query.Always()
		}
		kids = append(kids, c.filter())
	}
	return anyOf(kids...)
}

// filter is the trace filter of one alternative.
func (c conj) filter() *query.TraceFilter {
	var parts []*query.TraceFilter
	if len(c.span) > 0 {
		parts = append(parts, query.SomeSpan(c.span...))
	}
	if len(c.root) > 0 {
		parts = append(parts, query.RootSpan(c.root...))
	}
	for _, m := range c.measures {
		parts = append(parts, query.MeasureIs(m.m, m.op, m.v))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return query.AllOf(parts...)
}
