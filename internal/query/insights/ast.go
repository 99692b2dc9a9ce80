package insights

import "regexp"

// expr is a compiled expression evaluated against one row.
type expr interface {
	eval(r *row) value
}

type fieldRef struct{ name string }

type literal struct{ v value }

// regexLit is a /regex/ operand; alone it evaluates to its source.
type regexLit struct {
	src string
	re  *regexp.Regexp
}

type binary struct {
	op   string // and or = != < <= > >= + - * / % ^
	l, r expr
}

type unary struct {
	op string // not, -
	x  expr
}

// matchExpr is `x like "sub"`, `x like /re/`, `x =~ /re/` (negated with not).
type matchExpr struct {
	x   expr
	sub string         // substring when re is nil
	re  *regexp.Regexp // regex
	neg bool
}

type inExpr struct {
	x    expr
	list []expr
	neg  bool
}

type call struct {
	name string
	args []expr
	fn   func(r *row, args []expr) value
}

// namedExpr is an output column: an expression and its name (the alias or
// the expression's text).
type namedExpr struct {
	name string
	e    expr
}

// aggregate is one stats function over a group of rows.
type aggregate struct {
	name string  // output column
	fn   string  // count, count_distinct, sum, avg, min, max, pct, stddev, earliest, latest
	arg  expr    // nil for count(*)
	p    float64 // percentile for pct
}

type fieldsCmd struct{ items []namedExpr }

type filterCmd struct{ cond expr }

type parseCmd struct {
	src   expr
	re    *regexp.Regexp
	names []string // output field per capture group, in order
}

type statsCmd struct {
	aggs []aggregate
	by   []namedExpr
}

type sortKey struct {
	e    expr
	desc bool
}

// stage is a per-row step: fields, filter or parse. It reports whether
// the row goes on.
type stage interface {
	apply(r *row) bool
}

func (c *fieldsCmd) apply(r *row) bool {
	for _, it := range c.items {
		if _, plain := it.e.(*fieldRef); plain && it.name == it.e.(*fieldRef).name {
			continue
		}
		r.set(it.name, it.e.eval(r))
	}
	return true
}

func (c *filterCmd) apply(r *row) bool { return c.cond.eval(r).truthy() }

func (c *parseCmd) apply(r *row) bool {
	v := c.src.eval(r)
	if v.k == kNull {
		return true
	}
	m := c.re.FindStringSubmatch(v.String())
	if m == nil {
		return true // the row stays, without the extracted fields
	}
	for i, name := range c.names {
		if name != "" && i+1 < len(m) {
			r.set(name, str(m[i+1]))
		}
	}
	return true
}
