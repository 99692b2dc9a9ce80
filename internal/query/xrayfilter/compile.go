package xrayfilter

import (
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
)

// Compiling into the query model. An expression becomes a pair of trace
// filters that bracket it: Where selects every trace the expression matches
// (and maybe more), Sure selects only traces it matches. When the two are
// the same filter (Exact), the store's answer is the answer; otherwise the
// caller evaluates the expression with Match over the traces Where selects
// (the residual). Negation swaps the brackets: !x lies between !Sure(x) and
// !Where(x).
//
// The filters read the span attributes the X-Ray receiver writes (see the
// mapping in receiver/xray/segment); a test there keeps the names below in
// step.

// Attribute names of the X-Ray mapping that filters read.
const (
	ScopeName            = "lookout/receiver/xray"
	AttrAnnotationPrefix = "aws.xray.annotations."
	AttrFault            = "aws.xray.fault"
	AttrError            = "aws.xray.error"
	AttrThrottle         = "aws.xray.throttle"
	AttrInProgress       = "aws.xray.inprogress"
	AttrStatus           = "http.response.status_code"
	AttrURL              = "url.full"
	AttrURLPath          = "url.path"
	AttrMethod           = "http.request.method"
	AttrUserAgent        = "user_agent.original"
	AttrClientIP         = "client.address"
	AttrUser             = "enduser.id"
)

// Compiled is an expression in the query model.
type Compiled struct {
	// Where selects a superset of the traces the expression matches.
	Where *query.TraceFilter
	// Sure selects a subset of them.
	Sure *query.TraceFilter
	// Exact: Where selects exactly the matching traces (Where == Sure).
	Exact bool
}

// Compile translates a parsed expression (nil: match everything).
func Compile(e Expr) Compiled {
	if e == nil {
		return Compiled{Where: query.Always(), Sure: query.Always(), Exact: true}
	}
	return compile(e, false)
}

// bracket builds an inexact pair.
func bracket(where, sure *query.TraceFilter) Compiled { return Compiled{Where: where, Sure: sure} }

// exact builds an exact pair.
func exact(f *query.TraceFilter) Compiled { return Compiled{Where: f, Sure: f, Exact: true} }

// unknown is an expression the query model cannot bound.
func unknown() Compiled { return bracket(query.Always(), query.Never()) }

// compile translates e read in a node or edge scope (inNode) or the trace's.
func compile(e Expr, inNode bool) Compiled {
	switch e := e.(type) {
	case *And:
		l, r := compile(e.L, inNode), compile(e.R, inNode)
		return Compiled{Where: flat(query.TraceAll, l.Where, r.Where), Sure: flat(query.TraceAll, l.Sure, r.Sure), Exact: l.Exact && r.Exact}
	case *Or:
		l, r := compile(e.L, inNode), compile(e.R, inNode)
		return Compiled{Where: flat(query.TraceAny, l.Where, r.Where), Sure: flat(query.TraceAny, l.Sure, r.Sure), Exact: l.Exact && r.Exact}
	case *Not:
		x := compile(e.X, inNode)
		return Compiled{Where: query.NotOf(x.Sure), Sure: query.NotOf(x.Where), Exact: x.Exact}
	case *Service:
		where, sure := node(e.Match)
		if e.Inner == nil {
			return Compiled{Where: where, Sure: sure, Exact: where == sure}
		}
		in := compile(e.Inner, true)
		// Sure: the node exists and the inner part holds for every node
		// (its sure filter reads only trace-wide facts).
		return bracket(query.AllOf(where, in.Where), query.AllOf(sure, in.Sure))
	case *Edge:
		from, _ := node(e.From)
		to, _ := node(e.To)
		w := query.AllOf(from, to)
		if e.Inner != nil {
			w = query.AllOf(w, compile(e.Inner, true).Where)
		}
		return bracket(w, query.Never())
	case *Cmp:
		return compileCmp(e, inNode)
	}
	return unknown()
}

// flat joins l and r with op (TraceAll or TraceAny), splicing the children
// of operands of the same op, so chains of AND or OR stay one level deep.
func flat(op query.TraceOp, l, r *query.TraceFilter) *query.TraceFilter {
	var kids []*query.TraceFilter
	for _, x := range []*query.TraceFilter{l, r} {
		if x.Op == op && len(x.Children) > 0 {
			kids = append(kids, x.Children...)
		} else {
			kids = append(kids, x)
		}
	}
	return &query.TraceFilter{Op: op, Children: kids}
}

func flt(col string, op query.FilterOp, vals ...any) query.Filter {
	return query.Filter{Column: col, Op: op, Values: vals}
}

// node bounds "the trace has a node matched by id". Nodes are services
// (named by their spans' service) and inferred downstream resources (named
// by a CLIENT span's name, rpc.service, URL host or server.address). where
// and sure are the same pointer when exact.
func node(id *ID) (where, sure *query.TraceFilter) {
	if id == nil {
		all := query.Always() // a stored trace has a node
		return all, all
	}
	if id.Name == nil {
		return query.Always(), query.Never()
	}
	n := *id.Name
	own := query.SomeSpan(flt(query.ColService, query.FilterEq, n))
	client := flt(query.ColKind, query.FilterEq, "client")
	where = query.AnyOf(own,
		query.SomeSpan(client, flt(query.ColName, query.FilterEq, n)),
		query.SomeSpan(client, flt("rpc.service", query.FilterEq, n)),
		query.SomeSpan(client, flt("server.address", query.FilterEq, n)),
		query.SomeSpan(client, flt(AttrURL, query.FilterContains, n)))
	sure = own
	if id.Type != nil || n == model.UnknownService {
		sure = query.Never()
	}
	return where, sure
}

// flags are the trace-wide fault, error and throttle conditions: a span
// with the X-Ray flag, or an HTTP status (5xx, 4xx, 429; an error status
// without HTTP status is a fault) on spans of other origins.
func flag(key string) *query.TraceFilter {
	xr := flt(query.ColLibraryName, query.FilterEq, ScopeName)
	other := flt(query.ColLibraryName, query.FilterNe, ScopeName)
	switch key {
	case "fault":
		return query.AnyOf(query.SomeSpan(xr, flt(AttrFault, query.FilterEq, true)),
			query.SomeSpan(other, flt(AttrStatus, query.FilterGe, 500.0)),
			query.SomeSpan(other, flt(AttrStatus, query.FilterDoesNotExist), flt(query.ColStatusCode, query.FilterEq, 2.0)))
	case "error":
		return query.AnyOf(query.SomeSpan(xr, flt(AttrError, query.FilterEq, true)),
			query.SomeSpan(other, flt(AttrStatus, query.FilterGe, 400.0), flt(AttrStatus, query.FilterLt, 500.0)))
	case "throttle":
		return query.AnyOf(query.SomeSpan(xr, flt(AttrThrottle, query.FilterEq, true)),
			query.SomeSpan(other, flt(AttrStatus, query.FilterEq, 429.0)))
	}
	return query.AnyOf(flag("fault"), flag("error"), flag("throttle")) // "not ok"
}

// boolWant reads a boolean comparison: whether it holds when the keyword is
// true (wantTrue) and when false (wantFalse).
func boolWant(c *Cmp) (wantTrue, wantFalse bool) {
	switch c.Op {
	case "":
		return true, false
	case "=":
		return c.Values[0].Bool, !c.Values[0].Bool
	}
	return !c.Values[0].Bool, c.Values[0].Bool // !=
}

// truth returns the exact filter "cond is true" (wantTrue) or its negation.
func truth(cond *query.TraceFilter, wantTrue, wantFalse bool) *query.TraceFilter {
	switch {
	case wantTrue && wantFalse:
		return query.Always()
	case wantTrue:
		return cond
	case wantFalse:
		return query.NotOf(cond)
	}
	return query.Never()
}

func compileCmp(c *Cmp, inNode bool) Compiled {
	if c.kind == kGroup {
		return exact(query.Never()) // not resolved, as Match
	}
	if c.kind == kAnnotation {
		return annotation(c)
	}
	switch c.Key {
	case "fault", "error", "throttle", "ok":
		wt, wf := boolWant(c)
		cond := flag(c.Key)
		if c.Key == "ok" { // ok is "no flag": flip
			wt, wf = wf, wt
		}
		if !inNode {
			return exact(truth(cond, wt, wf))
		}
		// A node's flag implies the trace's; the trace's absence implies
		// the node's.
		switch {
		case wt && wf:
			return exact(query.Always())
		case wt:
			return bracket(cond, query.Never())
		case wf:
			return bracket(query.Always(), query.NotOf(cond))
		}
		return exact(query.Never())
	case "partial":
		// Spans sent in progress and later completed leave a stored copy that
		// is in progress: the store sees more partial traces than Match.
		wt, wf := boolWant(c)
		inProgress := query.SomeSpan(flt(AttrInProgress, query.FilterEq, true))
		switch {
		case wt && wf:
			return exact(query.Always())
		case wt:
			return bracket(inProgress, query.Never())
		case wf:
			return bracket(query.Always(), query.NotOf(inProgress))
		}
		return exact(query.Never())
	case "user":
		return user(c)
	}
	if inNode {
		return unknown() // the node's or edge's own request
	}
	switch c.Key {
	case "root", "inferred": // false at trace level
		_, wf := boolWant(c)
		return exact(truth(query.Always(), wf, wf))
	case "name", "type": // no node at trace level
		return exact(query.Never())
	case "responsetime":
		return measure(query.MeasureRootDuration, c)
	case "duration":
		return measure(query.MeasureDuration, c)
	case "http.status":
		return httpStatus(c)
	case "http.url":
		return orRebuiltURL(rootString(AttrURL, c))
	case "http.method":
		return rootString(AttrMethod, c)
	case "http.useragent":
		return rootString(AttrUserAgent, c)
	case "http.clientip":
		return rootString(AttrClientIP, c)
	}
	return unknown() // exception messages live in span events
}

// noRoot holds for traces without a parentless span, whose entry Match
// takes from the earliest orphan instead.
func noRoot() *query.TraceFilter {
	return query.NotOf(query.SomeSpan(flt(query.ColParentID, query.FilterDoesNotExist)))
}

// onRoot bounds a condition on the trace's entry segment.
func onRoot(fs ...query.Filter) Compiled {
	r := query.RootSpan(fs...)
	return bracket(query.AnyOf(r, noRoot()), r)
}

// measure bounds a comparison of a duration in seconds. The store compares
// milliseconds: the bounds are widened (Where) and narrowed (Sure) by a
// nanosecond against rounding.
func measure(m query.Measure, c *Cmp) Compiled {
	const eps = 1e-6 // ms
	root := func(f *query.TraceFilter) *query.TraceFilter {
		if m == query.MeasureRootDuration {
			return query.AllOf(f, query.NotOf(noRoot()))
		}
		return f
	}
	widen := func(f *query.TraceFilter) *query.TraceFilter {
		if m == query.MeasureRootDuration {
			return query.AnyOf(f, noRoot())
		}
		return f
	}
	if c.Op == "" {
		f := query.MeasureIs(m, query.FilterNe, 0)
		return bracket(widen(f), root(f))
	}
	if c.Values[0].Kind != Number {
		return exact(truth(query.Always(), c.Op == "!=", c.Op == "!="))
	}
	v := c.Values[0].Num * 1000
	is := query.MeasureIs
	switch c.Op {
	case ">", ">=":
		return bracket(widen(is(m, query.FilterGe, v-eps)), root(is(m, query.FilterGt, v+eps)))
	case "<", "<=":
		return bracket(widen(is(m, query.FilterLe, v+eps)), root(is(m, query.FilterLt, v-eps)))
	case "=":
		return bracket(widen(query.AllOf(is(m, query.FilterGe, v-eps), is(m, query.FilterLe, v+eps))), query.Never())
	}
	// !=
	return bracket(query.Always(), root(query.AnyOf(is(m, query.FilterGt, v+eps), is(m, query.FilterLt, v-eps))))
}

// httpStatus bounds http.status of the entry segment (0, absent, never
// matches).
func httpStatus(c *Cmp) Compiled {
	has := flt(AttrStatus, query.FilterExists)
	nonzero := flt(AttrStatus, query.FilterNe, 0.0)
	if c.Op == "" {
		return onRoot(has, nonzero)
	}
	v := c.Values[0]
	if v.Kind != Number {
		if c.Op == "!=" {
			return onRoot(has, nonzero)
		}
		return exact(query.Never())
	}
	return onRoot(has, nonzero, flt(AttrStatus, query.FilterOp(c.Op), v.Num))
}

// rootString bounds a string keyword of the entry segment (absent reads "").
func rootString(attr string, c *Cmp) Compiled {
	present := []query.Filter{flt(attr, query.FilterExists), flt(attr, query.FilterNe, "")}
	if c.Op == "" {
		return onRoot(present...)
	}
	for _, v := range c.Values {
		if v.Kind != String || v.Str == "" {
			return unknown() // "" also matches an absent value: let Match decide
		}
	}
	lit := c.Values[0].Str
	switch c.Op {
	case "=":
		return onRoot(flt(attr, query.FilterEq, lit))
	case "!=":
		return onRoot(flt(attr, query.FilterNe, lit))
	case "CONTAINS":
		return onRoot(flt(attr, query.FilterContains, lit))
	case "BEGINSWITH":
		return onRoot(flt(attr, query.FilterStartsWith, lit))
	case "ENDSWITH":
		r := onRoot(flt(attr, query.FilterContains, lit))
		return bracket(r.Where, query.Never())
	case "IN":
		return onRoot(flt(attr, query.FilterIn, strValues(c.Values)...))
	}
	return unknown()
}

// orRebuiltURL widens an http.url bound to entry spans without url.full
// but with url.path (otelhttp's SERVER spans), whose URL the reader
// rebuilds from its parts: Match decides those.
func orRebuiltURL(c Compiled) Compiled {
	rebuilt := query.RootSpan(flt(AttrURL, query.FilterDoesNotExist), flt(AttrURLPath, query.FilterExists))
	return bracket(query.AnyOf(c.Where, rebuilt), c.Sure)
}

func strValues(vs []Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v.Str
	}
	return out
}

// user bounds the user keyword: the trace's non-empty end-user ids.
func user(c *Cmp) Compiled {
	present := []query.Filter{flt(AttrUser, query.FilterExists), flt(AttrUser, query.FilterNe, "")}
	some := func(f query.Filter) Compiled { return exact(query.SomeSpan(append(present, f)...)) }
	if c.Op == "" {
		return exact(query.SomeSpan(present...))
	}
	for _, v := range c.Values {
		if v.Kind != String {
			return unknown()
		}
	}
	lit := c.Values[0].Str
	switch c.Op {
	case "=":
		return some(flt(AttrUser, query.FilterEq, lit))
	case "!=":
		return exact(query.NotOf(query.SomeSpan(append(present, flt(AttrUser, query.FilterEq, lit))...)))
	case "CONTAINS":
		return some(flt(AttrUser, query.FilterContains, lit))
	case "BEGINSWITH":
		return some(flt(AttrUser, query.FilterStartsWith, lit))
	case "ENDSWITH":
		return bracket(some(flt(AttrUser, query.FilterContains, lit)).Where, query.Never())
	case "IN":
		return some(flt(AttrUser, query.FilterIn, strValues(c.Values)...))
	}
	return unknown()
}

// annotation bounds annotation.KEY comparisons. Stored attribute values are
// compared as text or number without their type, so only presence is exact;
// Match checks the type of what the store found.
func annotation(c *Cmp) Compiled {
	col := AttrAnnotationPrefix + strings.TrimPrefix(c.Key, "annotation.")
	has := flt(col, query.FilterExists)
	if c.Op == "" {
		return exact(query.SomeSpan(has))
	}
	lit := c.Values[0]
	var f query.Filter
	switch c.Op {
	case "=", "<", "<=", ">", ">=":
		switch lit.Kind {
		case Number:
			f = flt(col, query.FilterOp(c.Op), lit.Num)
		case Bool:
			if c.Op != "=" {
				return exact(query.Never())
			}
			f = flt(col, query.FilterEq, lit.Bool)
		default:
			if c.Op != "=" {
				return exact(query.Never()) // strings do not order
			}
			f = flt(col, query.FilterEq, lit.Str)
		}
	case "CONTAINS", "BEGINSWITH", "ENDSWITH":
		if lit.Kind != String {
			return exact(query.Never())
		}
		op := query.FilterContains
		if c.Op == "BEGINSWITH" {
			op = query.FilterStartsWith
		}
		f = flt(col, op, lit.Str)
	case "IN":
		var strs []any
		for _, v := range c.Values {
			if v.Kind == String {
				strs = append(strs, v.Str)
			}
		}
		if len(strs) == 0 {
			return exact(query.Never())
		}
		f = flt(col, query.FilterIn, strs...)
	default: // != holds for any value of another type or value
		return bracket(query.SomeSpan(has), query.Never())
	}
	return bracket(query.SomeSpan(has, f), query.Never())
}
