package traceql

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"lookout/internal/query"
)

// A comparison becomes filters with TraceQL's semantics: a comparison with
// a missing value is false, and ! is boolean negation. The query model's
// negated operators match a missing column, so a TraceQL != needs an exists
// beside it, and the negation of a TraceQL = is the model's plain !=.

// queryOps are the query-model operators of TraceQL's comparisons.
var queryOps = map[string]query.FilterOp{
	"=": query.FilterEq, "!=": query.FilterNe, ">": query.FilterGt, ">=": query.FilterGe,
	"<": query.FilterLt, "<=": query.FilterLe, "=~": query.FilterMatches, "!~": query.FilterDoesNotMatch,
}

// complement is the operator that holds on a present value exactly when
// the other does not (for numbers: on a value that reads as one).
var complement = map[query.FilterOp]query.FilterOp{
	query.FilterEq: query.FilterNe, query.FilterNe: query.FilterEq,
	query.FilterGt: query.FilterLe, query.FilterLe: query.FilterGt,
	query.FilterGe: query.FilterLt, query.FilterLt: query.FilterGe,
	query.FilterMatches: query.FilterDoesNotMatch, query.FilterDoesNotMatch: query.FilterMatches,
}

var statusCodes = map[string]float64{"unset": 0, "ok": 1, "error": 2}

// literal checks the comparison's types and returns the query-model
// operator and value; isNil for a comparison with nil.
func literal(o operand, x *Cmp) (op query.FilterOp, v any, isNil bool, err error) {
	op = queryOps[x.Op]
	lit := x.Value
	regex := op == query.FilterMatches || op == query.FilterDoesNotMatch
	eqOnly := func(what string) error {
		if x.Op != "=" && x.Op != "!=" {
			return errorf(x.Pos, "%s compares with = or !=, not %s", what, x.Op)
		}
		return nil
	}
	if lit.Kind == KindNil {
		return op, nil, true, eqOnly("nil")
	}
	if regex && lit.Kind != KindString {
		return op, nil, false, errorf(x.Pos, "%s takes a regular expression in quotes, not %s", x.Op, lit)
	}
	switch o.typ {
	case typeStatus:
		if lit.Kind != KindStatus {
			return op, nil, false, errorf(x.Pos, "%s compares with error, ok or unset, not %s", x.Field, lit)
		}
		return op, statusCodes[lit.Str], false, eqOnly(x.Field.String())
	case typeKind:
		if lit.Kind != KindSpanKind {
			return op, nil, false, errorf(x.Pos, "%s compares with unspecified, internal, server, client, producer or consumer, not %s", x.Field, lit)
		}
		return op, lit.Str, false, eqOnly(x.Field.String())
	case typeDuration:
		if lit.Kind != KindDuration {
			return op, nil, false, errorf(x.Pos, "%s compares with a duration such as 100ms, not %s", x.Field, lit)
		}
		return op, float64(lit.Dur) / float64(time.Millisecond), false, nil
	case typeString:
		if lit.Kind != KindString {
			return op, nil, false, errorf(x.Pos, "%s compares with a string, not %s", x.Field, lit)
		}
	}
	switch lit.Kind {
	case KindString:
		if regex {
			if _, err := regexp.Compile(lit.Str); err != nil {
				return op, nil, false, errorf(x.Pos, "regular expression %q: %v", lit.Str, err)
			}
		}
		return op, lit.Str, false, nil
	case KindInt:
		return op, float64(lit.Int), false, nil
	case KindFloat:
		return op, lit.Float, false, nil
	case KindBool:
		return op, lit.Bool, false, eqOnly("a boolean")
	case KindDuration:
		return op, nil, false, errorf(x.Pos, "a duration such as %s compares with duration or traceDuration, not %s", lit, x.Field)
	case KindStatus:
		return op, nil, false, errorf(x.Pos, "%s compares with status, not %s", lit, x.Field)
	}
	return op, nil, false, errorf(x.Pos, "%s compares with kind, not %s", lit, x.Field)
}

// atom compiles a comparison (sat) or its negation (!sat).
func atom(x *Cmp, sat bool) (dnf, operand, error) {
	if x.Field.Intrinsic && x.Field.Name == "nestedSetParent" && (x.Field.Scope == "" || x.Field.Scope == "span") {
		d, err := nestedSetParent(x, sat)
		return d, operand{field: x.Field}, err
	}
	o, err := resolve(x.Field, x.Pos)
	if err != nil {
		return nil, o, err
	}
	op, v, isNil, err := literal(o, x)
	if err != nil {
		return nil, o, err
	}
	var d dnf
	switch {
	case isNil:
		d = o.presence((x.Op == "!=") == sat)
	case o.level == onTrace:
		if !sat {
			op = complement[op]
		}
		d = dnf{{measures: []measureCmp{{m: o.measure, op: op, v: v.(float64)}}}}
	case o.multi:
		d, err = o.anyValue(op, v, sat, x)
	default:
		d = o.cond(o.cols, op, v, sat)
	}
	return d, o, err
}

// put places filters at the operand's level.
func (o operand) put(fs ...query.Filter) conj {
	if o.level == onRoot {
		return conj{root: fs}
	}
	return conj{span: fs}
}

func flt(col string, op query.FilterOp, vals ...any) query.Filter {
	return query.Filter{Column: col, Op: op, Values: vals}
}

// presence is "the field has a value" (want) or "has none".
func (o operand) presence(want bool) dnf {
	if o.always {
		if want {
			return truth()
		}
		return dnf{}
	}
	if want {
		var d dnf
		for _, c := range o.cols {
			d = append(d, o.put(flt(c, query.FilterExists)))
		}
		return d
	}
	var fs []query.Filter
	for _, c := range o.cols {
		fs = append(fs, flt(c, query.FilterDoesNotExist))
	}
	return dnf{o.put(fs...)}
}

// cond is "the value (the first of cols present) satisfies op v" (sat),
// or the negation of that comparison (!sat): the value is missing or does
// not satisfy it.
func (o operand) cond(cols []string, op query.FilterOp, v any, sat bool) dnf {
	c := cols[0]
	pop := op
	if !sat {
		pop = complement[op]
	}
	guarded := pop.Negated() && !o.always // the model's negation also matches a missing column
	present := o.put(flt(c, pop, v))
	if guarded {
		present = o.put(flt(c, query.FilterExists), flt(c, pop, v))
	}
	if o.always {
		return dnf{present}
	}
	missing := o.put(flt(c, query.FilterDoesNotExist))
	switch {
	case len(cols) > 1:
		rest := o.cond(cols[1:], op, v, sat)
		d := dnf{present}
		for _, r := range rest {
			d = append(d, conj{span: append(append([]query.Filter{}, missing.span...), r.span...),
				root: append(append([]query.Filter{}, missing.root...), r.root...)})
		}
		return d
	case o.missingAs != nil && holdsOn(*o.missingAs, op, v) == sat, o.missingAs == nil && !sat:
		if guarded { // exists && negation, or missing: the model's negation alone
			return dnf{o.put(flt(c, pop, v))}
		}
		return dnf{present, missing}
	}
	return dnf{present}
}

// holdsOn decides a comparison on a text value in Go.
func holdsOn(s string, op query.FilterOp, v any) bool {
	w, ok := v.(string)
	if !ok {
		return false // a number or boolean compares with text as a store does: "" is neither
	}
	switch op {
	case query.FilterMatches, query.FilterDoesNotMatch:
		m := regexp.MustCompile(`^(?:` + w + `)$`).MatchString(s) // compiled in literal
		return m == (op == query.FilterMatches)
	}
	c := strings.Compare(s, w)
	switch op {
	case query.FilterEq:
		return c == 0
	case query.FilterNe:
		return c != 0
	case query.FilterGt:
		return c > 0
	case query.FilterGe:
		return c >= 0
	case query.FilterLt:
		return c < 0
	}
	return c <= 0
}

// anyValue compiles a comparison of a many-valued field: it holds when one
// value satisfies it. Its negation is "no value does", which the model's
// negated operators say; "a value that does not" has no filter.
func (o operand) anyValue(op query.FilterOp, v any, sat bool, x *Cmp) (dnf, error) {
	c := o.cols[0]
	switch {
	case sat && !op.Negated():
		return dnf{o.put(flt(c, op, v))}, nil
	case !sat && (op == query.FilterEq || op == query.FilterMatches):
		return dnf{o.put(flt(c, complement[op], v))}, nil
	}
	what := fmt.Sprintf("%s %s on span events", x.Op, x.Field)
	if !sat {
		what = fmt.Sprintf("negating %s %s %s on span events", x.Field, x.Op, x.Value)
	}
	return nil, unsupported(x.Pos, "%s", what)
}

// nestedSetParent compiles the comparisons of nestedSetParent that only
// tell root spans (-1) from the others (0 and up), as `nestedSetParent <
// 0` does: they become "has no parent" or "has one". Other comparisons
// depend on the trace's shape, which the query model does not hold.
func nestedSetParent(x *Cmp, sat bool) (dnf, error) {
	if x.Value.Kind != KindInt || x.Op == "=~" || x.Op == "!~" {
		return nil, unsupported(x.Pos, "%s %s %s (only comparisons that tell root spans, -1, from others)", x.Field, x.Op, x.Value)
	}
	v := x.Value.Int
	holds := func(n int64) bool {
		switch x.Op {
		case "=":
			return n == v
		case "!=":
			return n != v
		case ">":
			return n > v
		case ">=":
			return n >= v
		case "<":
			return n < v
		}
		return n <= v
	}
	root, other := holds(-1), holds(0)
	for _, n := range []int64{1, v - 1, v, v + 1, 1 << 40} {
		if n >= 0 && holds(n) != other {
			return nil, unsupported(x.Pos, "%s %s %s (only comparisons that tell root spans, -1, from others)", x.Field, x.Op, x.Value)
		}
	}
	if !sat {
		root, other = !root, !other
	}
	switch {
	case root && other:
		return truth(), nil
	case root:
		return dnf{{span: []query.Filter{flt(query.ColParentID, query.FilterDoesNotExist)}}}, nil
	case other:
		return dnf{{span: []query.Filter{flt(query.ColParentID, query.FilterExists)}}}, nil
	}
	return dnf{}, nil
}
