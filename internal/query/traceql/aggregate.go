package traceql

import (
	"time"

	"lookout/internal/query"
)

// aggregateOps are the calculations of the aggregates.
var aggregateOps = map[string]query.Op{"count": query.OpCount, "avg": query.OpAvg, "min": query.OpMin, "max": query.OpMax, "sum": query.OpSum}

// aggregate compiles `| count() > 2` and the like over the spanset of n
// into a query.TraceAggregate. The spanset must be one the filter of an
// aggregate holds: a conjunction of span conditions, or a disjunction of
// single ones, after no spanset operator.
func (c *Compiled) aggregate(n *node, a *Aggregate) (*query.TraceFilter, error) {
	d, err := n.chain(a.Name, a.Pos)
	if err != nil {
		return nil, err
	}
	f := &query.TraceFilter{Op: query.TraceAggregate, Calc: query.Calculation{Op: aggregateOps[a.Name]},
		Cmp: queryOps[a.Op]}
	if f.Filters, f.Combination, err = spanFilters(d, a.Name, a.Pos); err != nil {
		return nil, err
	}
	typ := typeAny
	if a.Field != nil {
		o, err := resolve(*a.Field, a.Pos)
		if err != nil {
			return nil, err
		}
		if o.level != onSpan || o.multi || len(o.cols) != 1 || (o.typ != typeAny && o.typ != typeDuration) {
			return nil, errorf(a.Pos, "%s() takes a number or a duration of the span, not %s", a.Name, a.Field)
		}
		f.Calc.Column, typ = o.cols[0], o.typ
		c.show(o)
	}
	switch v := a.Value; {
	case typ == typeDuration && v.Kind == KindDuration:
		f.Value = float64(v.Dur) / float64(time.Millisecond)
	case typ != typeDuration && v.Kind == KindInt:
		f.Value = float64(v.Int)
	case typ != typeDuration && v.Kind == KindFloat:
		f.Value = v.Float
	case typ == typeDuration:
		return nil, errorf(a.Pos, "%s(%s) compares with a duration such as 100ms, not %s", a.Name, a.Field, v)
	default:
		return nil, errorf(a.Pos, "%s() compares with a number, not %s", a.Name, v)
	}
	return f, nil
}

// spanFilters turns the alternatives of a spanset into filters on one
// span, for the function name (at pos) that reads them: a conjunction, or
// a disjunction of single filters.
func spanFilters(d dnf, name string, pos int) ([]query.Filter, query.Combination, error) {
	for _, alt := range d {
		if len(alt.root) > 0 || len(alt.measures) > 0 {
			return nil, "", unsupported(pos, "%s() over a spanset with conditions on the root span or the trace", name)
		}
	}
	if len(d) == 1 {
		return d[0].span, query.And, nil
	}
	var fs []query.Filter
	for _, alt := range d {
		if len(alt.span) != 1 {
			return nil, "", unsupported(pos, "%s() over a spanset whose condition nests && within ||", name)
		}
		fs = append(fs, alt.span[0])
	}
	return fs, query.Or, nil
}

// chain returns the alternatives of the spanset of a pipeline of spanset
// filters and aggregates; a spanset operator has none that one filter
// holds.
func (n *node) chain(name string, pos int) (dnf, error) {
	switch n.op {
	case "set":
		return n.alts, nil
	case "aggregate":
		return n.l.chain(name, pos)
	case "filter":
		in, err := n.l.chain(name, pos)
		if err != nil {
			return nil, err
		}
		return and(in, n.alts)
	}
	return nil, unsupported(pos, "%s() after the spanset operator %s", name, n.op)
}
