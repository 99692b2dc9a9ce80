package traceql

import (
	"fmt"
	"slices"

	"lookout/internal/model"
	"lookout/internal/query"
)

// Compiled is a query in the query model's terms.
type Compiled struct {
	// Where selects the traces the query may match (among those a store
	// reads, see query.TraceQuery); nil selects every trace. When Exact, it
	// selects exactly those; otherwise (structural operators) a selected
	// trace matches only if Matched finds spans on it.
	Where *query.TraceFilter
	Exact bool
	// Fields are what the spans of an answer show besides their intrinsics:
	// the attributes the conditions read, then the fields of select(...),
	// each once.
	Fields []OutputField
	tree   *node
}

// OutputField is a field shown on the spans of an answer.
type OutputField struct {
	// Name is an attribute's key, or an intrinsic as the query wrote it.
	Name string
	op   operand
}

// Value reads the field on a span; ok is false when the span lacks it.
func (f OutputField) Value(sp *model.Span) (v model.Value, ok bool) {
	for _, c := range f.op.cols {
		if vs := query.SpanValues(sp, c); len(vs) > 0 {
			v = vs[0]
			if f.op.typ == typeStatus && v.Kind == model.KindInt && v.Int >= 0 && v.Int < 3 {
				v = model.StringValue([]string{"unset", "ok", "error"}[v.Int])
			}
			return v, true
		}
	}
	return model.Value{}, false
}

// node is a spanset expression: "set" (its alternatives), "&&", "||" and
// the structural operators (l, r; see structural.go), "filter" (l, then its alternatives as a pipeline stage),
// "aggregate" (l's spanset when agg holds on it).
type node struct {
	op   string
	alts dnf
	l, r *node
	agg  *query.TraceFilter
	// ms match alts in Go (see Matched).
	ms []altMatcher
}

// Compile translates a parsed query. It refuses with an *Error (Unsupported
// set) what the query model cannot express: pipeline
// functions other than select and the aggregates (and aggregates over
// spansets one trace filter cannot hold), arithmetic, the link and parent
// scopes, negated comparisons of span events.
func Compile(q *Query) (*Compiled, error) {
	c := &Compiled{Exact: true}
	tree, err := c.spansets(q.Spansets)
	if err != nil {
		return nil, err
	}
	for _, st := range q.Stages {
		switch st := st.(type) {
		case *Spanset:
			d, err := c.spanset(st)
			if err != nil {
				return nil, err
			}
			tree = &node{op: "filter", l: tree, alts: d}
		case *Select:
			for _, f := range st.Fields {
				o, err := resolve(f, st.Pos)
				if err != nil {
					return nil, err
				}
				c.show(o)
			}
		case *Aggregate:
			f, err := c.aggregate(tree, st)
			if err != nil {
				return nil, err
			}
			tree = &node{op: "aggregate", l: tree, agg: f}
		case *Metrics:
			return nil, errorf(st.Pos, "%s() makes a metrics query: ask /api/metrics/query_range or /api/metrics/query, not a search", st.Name)
		case *Func:
			return nil, refuseFunc(st)
		}
	}
	if err := tree.build(); err != nil {
		return nil, err
	}
	c.tree = tree
	where, err := tree.some(truth())
	if err != nil {
		return nil, err
	}
	if where.Op != query.TraceAll || len(where.Children) > 0 {
		c.Where = where
	}
	return c, nil
}

// CompileString parses and compiles src.
func CompileString(src string) (*Compiled, error) {
	q, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return Compile(q)
}

// metricsFuncs are the metrics functions read as other functions (Func).
var metricsFuncs = map[string]bool{"compare": true}

func refuseFunc(f *Func) error {
	switch {
	case metricsFuncs[f.Name]:
		return unsupported(f.Pos, "the metrics function %s()", f.Name)
	case f.Name == "topk" || f.Name == "bottomk":
		return unsupported(f.Pos, "%s() after a metrics function", f.Name)
	case f.Name == "by" || f.Name == "coalesce":
		return unsupported(f.Pos, "%s()", f.Name)
	}
	return errorf(f.Pos, "unknown function %s()", f.Name)
}

// show adds a field to the fields of the answer, once.
func (c *Compiled) show(o operand) {
	if o.level != onSpan {
		return // a trace's value, not a span's
	}
	name := o.outputName()
	if !slices.ContainsFunc(c.Fields, func(f OutputField) bool { return f.Name == name }) {
		c.Fields = append(c.Fields, OutputField{Name: name, op: o})
	}
}

func (c *Compiled) spansets(e SpansetExpr) (*node, error) {
	switch e := e.(type) {
	case *Spanset:
		d, err := c.spanset(e)
		return &node{op: "set", alts: d}, err
	case *SpansetOp:
		if e.Op != "&&" && e.Op != "||" {
			c.Exact = false // the store checks both sides, Matched the relation
		}
		l, err := c.spansets(e.L)
		if err != nil {
			return nil, err
		}
		r, err := c.spansets(e.R)
		return &node{op: e.Op, l: l, r: r}, err
	}
	return nil, fmt.Errorf("spanset expression %T", e)
}

func (c *Compiled) spanset(s *Spanset) (dnf, error) {
	if s.Cond == nil {
		return truth(), nil
	}
	return c.cond(s.Cond, true)
}

// cond compiles a condition (sat) or its negation, pushing ! down to the
// comparisons.
func (c *Compiled) cond(e Expr, sat bool) (dnf, error) {
	switch e := e.(type) {
	case *And, *Or:
		var l, r Expr
		isAnd := false
		if a, ok := e.(*And); ok {
			l, r, isAnd = a.L, a.R, true
		} else {
			o := e.(*Or)
			l, r = o.L, o.R
		}
		dl, err := c.cond(l, sat)
		if err != nil {
			return nil, err
		}
		dr, err := c.cond(r, sat)
		if err != nil {
			return nil, err
		}
		if isAnd == sat { // a && b, or !(a || b) = !a && !b
			return and(dl, dr)
		}
		return or(dl, dr)
	case *Not:
		return c.cond(e.X, !sat)
	case *Bool:
		if e.V == sat {
			return truth(), nil
		}
		return dnf{}, nil
	case *Cmp:
		d, o, err := atom(e, sat)
		if err == nil && !o.field.Intrinsic {
			c.show(o)
		}
		return d, err
	}
	return nil, fmt.Errorf("condition %T", e)
}

// some is the trace filter "some span in n's spanset satisfies one of the
// alternatives of cond"; some(truth) is "n's spanset is not empty".
func (n *node) some(cond dnf) (*query.TraceFilter, error) {
	switch n.op {
	case "set":
		d, err := and(n.alts, cond)
		if err != nil {
			return nil, err
		}
		return d.filter(), nil
	case "filter":
		d, err := and(n.alts, cond)
		if err != nil {
			return nil, err
		}
		return n.l.some(d)
	case "aggregate":
		l, err := n.l.some(cond)
		if err != nil {
			return nil, err
		}
		if len(cond) == 1 && cond[0].isEmpty() && !n.l.aggregates() {
			return n.agg, nil // an aggregate holds only on a spanset with spans
		}
		return query.AllOf(n.agg, l), nil
	}
	if rel, ok := parseRelation(n.op); ok {
		return n.someRelated(rel, cond)
	}
	l, err := n.l.some(cond)
	if err != nil {
		return nil, err
	}
	r, err := n.r.some(cond)
	if err != nil {
		return nil, err
	}
	if n.op == "||" {
		return anyOf(l, r), nil
	}
	return n.someOfBoth(cond, l, r)
}

// someOfBoth is some(cond) of a node whose spanset is both sides' when
// neither is empty (&&, and the union structural operators), given l and
// r, its sides' some(cond).
func (n *node) someOfBoth(cond dnf, l, r *query.TraceFilter) (*query.TraceFilter, error) {
	if len(cond) == 1 && cond[0].isEmpty() {
		return query.AllOf(l, r), nil
	}
	wl, err := n.l.some(truth())
	if err != nil {
		return nil, err
	}
	wr, err := n.r.some(truth())
	if err != nil {
		return nil, err
	}
	// Both sides non-empty, and the span in one of them.
	return query.AllOf(wl, wr, anyOf(l, r)), nil
}

// aggregates reports whether a pipeline stage below n aggregates.
func (n *node) aggregates() bool {
	return n.op == "aggregate" || n.op == "filter" && n.l.aggregates()
}

// anyOf joins filters with TraceAny, splicing the children of TraceAny
// operands: a store reads the span conditions of one TraceAny in one pass.
func anyOf(fs ...*query.TraceFilter) *query.TraceFilter {
	var kids []*query.TraceFilter
	for _, f := range fs {
		if f.Op == query.TraceAny {
			kids = append(kids, f.Children...)
			continue
		}
		if f.Op == query.TraceAll && len(f.Children) == 0 {
			return query.Always()
		}
		kids = append(kids, f)
	}
	if len(kids) == 1 {
		return kids[0]
	}
	return query.AnyOf(kids...)
}
