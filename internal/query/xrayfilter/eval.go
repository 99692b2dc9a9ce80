package xrayfilter

import (
	"strings"
)

// HTTP is the request and response of a node, an edge or a trace's entry.
type HTTP struct {
	URL, Method, UserAgent, ClientIP string
	Status                           int // 0 when unknown
}

// Outcome is what happened to the requests of a trace, node or edge.
type Outcome struct {
	Fault, Error, Throttle bool
	ResponseTime           float64 // seconds
	HTTP                   HTTP
	// FaultMessages and ErrorMessages are the exception messages recorded
	// under a fault or an error.
	FaultMessages, ErrorMessages []string
}

// Node is one service (or inferred downstream resource) of a trace.
type Node struct {
	Name, Type string
	Root       bool // the trace entered here
	Inferred   bool // known only from a caller's subsegment: no segment of its own
	// AvailabilityZones and InstanceIDs are where its segments ran
	// (availabilityzone, instance.id).
	AvailabilityZones, InstanceIDs []string
	Outcome
}

// Call is a call (an edge of the graph) from Nodes[From] to Nodes[To].
type Call struct {
	From, To int
	Outcome
}

// Trace holds the facts an expression is evaluated against. Trace-level
// keywords read the entry node's Outcome, except fault, error and throttle,
// which hold when any node has one, and ok, which holds when none has.
type Trace struct {
	ID          string  // X-Ray form, 1-xxxxxxxx-yyyy…
	Duration    float64 // seconds, first start to last end
	Partial     bool    // a segment is in progress or a parent is missing
	Entry       Outcome // the root segment's
	Fault       bool
	Error       bool
	Throttle    bool
	Users       []string
	Annotations map[string][]Value
	Nodes       []Node
	Edges       []Call
	// RootCauses are the trace's fault, error and response time root
	// causes (rootcause.*).
	RootCauses []Cause
}

// Match reports whether the trace satisfies e.
func Match(e Expr, t *Trace) bool {
	return eval(e, t, scope{trace: t})
}

// scope is where keywords are read: the trace, one node, or one edge.
type scope struct {
	trace *Trace
	node  *Node
	edge  *Call
}

func eval(e Expr, t *Trace, s scope) bool {
	switch e := e.(type) {
	case *And:
		return eval(e.L, t, s) && eval(e.R, t, s)
	case *Or:
		return eval(e.L, t, s) || eval(e.R, t, s)
	case *Not:
		return !eval(e.X, t, s)
	case *Service:
		for i := range t.Nodes {
			n := &t.Nodes[i]
			if e.Match.matches(n) && (e.Inner == nil || eval(e.Inner, t, scope{trace: t, node: n})) {
				return true
			}
		}
		return false
	case *Edge:
		for i := range t.Edges {
			ed := &t.Edges[i]
			if e.From.matches(&t.Nodes[ed.From]) && e.To.matches(&t.Nodes[ed.To]) &&
				(e.Inner == nil || eval(e.Inner, t, scope{trace: t, edge: ed})) {
				return true
			}
		}
		return false
	case *Cmp:
		return s.cmp(e)
	case *RootCause:
		return evalCauses(e, t)
	}
	return false
}

func (id *ID) matches(n *Node) bool {
	if id == nil {
		return true
	}
	return (id.Name == nil || *id.Name == n.Name) && (id.Type == nil || *id.Type == n.Type)
}

// outcome returns the outcome in scope and whether it is the trace's.
func (s scope) outcome() *Outcome {
	switch {
	case s.node != nil:
		return &s.node.Outcome
	case s.edge != nil:
		return &s.edge.Outcome
	}
	return &s.trace.Entry
}

func (s scope) cmp(c *Cmp) bool {
	if c.kind == kGroup {
		return false // not resolved: no group is known
	}
	if c.kind == kAnnotation {
		for _, v := range s.trace.Annotations[strings.TrimPrefix(c.Key, "annotation.")] {
			if c.Op == "" || compare(v, c.Op, c.Values) {
				return true
			}
		}
		return false
	}
	o := s.outcome()
	fault, errr, throttle := o.Fault, o.Error, o.Throttle
	if s.node == nil && s.edge == nil {
		fault, errr, throttle = s.trace.Fault, s.trace.Error, s.trace.Throttle
	}
	switch c.Key {
	case "ok":
		return boolCmp(!fault && !errr && !throttle, c)
	case "fault":
		return boolCmp(fault, c)
	case "error":
		return boolCmp(errr, c)
	case "throttle":
		return boolCmp(throttle, c)
	case "partial":
		return boolCmp(s.trace.Partial, c)
	case "root":
		return boolCmp(s.node != nil && s.node.Root, c)
	case "inferred":
		return boolCmp(s.node != nil && s.node.Inferred, c)
	case "responsetime":
		return numCmp(o.ResponseTime, c)
	case "duration":
		if s.node == nil && s.edge == nil {
			return numCmp(s.trace.Duration, c)
		}
		return numCmp(o.ResponseTime, c)
	case "http.status":
		return o.HTTP.Status != 0 && numCmp(float64(o.HTTP.Status), c)
	case "http.url":
		return strCmp(o.HTTP.URL, c)
	case "http.method":
		return strCmp(o.HTTP.Method, c)
	case "http.useragent":
		return strCmp(o.HTTP.UserAgent, c)
	case "http.clientip":
		return strCmp(o.HTTP.ClientIP, c)
	case "name":
		return s.node != nil && strCmp(s.node.Name, c)
	case "type":
		return s.node != nil && strCmp(s.node.Type, c)
	case "user":
		return anyStr(s.trace.Users, c)
	case "fault.exception.message":
		return anyStr(o.FaultMessages, c)
	case "error.exception.message":
		return anyStr(o.ErrorMessages, c)
	case "availabilityzone":
		return anyStr(s.placement(func(n *Node) []string { return n.AvailabilityZones }), c)
	case "instance.id":
		return anyStr(s.placement(func(n *Node) []string { return n.InstanceIDs }), c)
	case "cause.message":
		return anyStr(o.FaultMessages, c) || anyStr(o.ErrorMessages, c)
	case "message": // an exception message of the node, edge or, at trace level, any node
		if s.node != nil || s.edge != nil {
			return anyStr(o.FaultMessages, c) || anyStr(o.ErrorMessages, c)
		}
		for i := range s.trace.Nodes {
			if n := &s.trace.Nodes[i]; anyStr(n.FaultMessages, c) || anyStr(n.ErrorMessages, c) {
				return true
			}
		}
		return false
	}
	return false
}

// placement is what of returns for the node in scope, for every node at
// trace level, and nothing for an edge.
func (s scope) placement(of func(*Node) []string) []string {
	switch {
	case s.node != nil:
		return of(s.node)
	case s.edge != nil:
		return nil
	}
	var out []string
	for i := range s.trace.Nodes {
		out = append(out, of(&s.trace.Nodes[i])...)
	}
	return out
}

func anyStr(list []string, c *Cmp) bool {
	neg := c.Op == "!="
	for _, s := range list {
		if strCmp(s, c) != neg {
			return !neg
		}
	}
	return neg
}

func boolCmp(v bool, c *Cmp) bool {
	switch c.Op {
	case "":
		return v
	case "!=":
		return v != c.Values[0].Bool
	}
	return v == c.Values[0].Bool
}

func numCmp(v float64, c *Cmp) bool {
	if c.Op == "" {
		return v != 0
	}
	return compare(Value{Kind: Number, Num: v}, c.Op, c.Values)
}

func strCmp(v string, c *Cmp) bool {
	if c.Op == "" {
		return v != ""
	}
	return compare(Value{Kind: String, Str: v}, c.Op, c.Values)
}

// compare applies op between v and the literal(s). Values of different
// kinds are unequal and unordered.
func compare(v Value, op string, lits []Value) bool {
	if op == "IN" {
		for _, l := range lits {
			if v.Kind == String && l.Kind == String && v.Str == l.Str {
				return true
			}
		}
		return false
	}
	l := lits[0]
	if v.Kind != l.Kind {
		return op == "!="
	}
	switch v.Kind {
	case Bool:
		switch op {
		case "=":
			return v.Bool == l.Bool
		case "!=":
			return v.Bool != l.Bool
		}
		return false
	case Number:
		switch op {
		case "=":
			return v.Num == l.Num
		case "!=":
			return v.Num != l.Num
		case "<":
			return v.Num < l.Num
		case "<=":
			return v.Num <= l.Num
		case ">":
			return v.Num > l.Num
		case ">=":
			return v.Num >= l.Num
		}
		return false
	}
	switch op {
	case "=":
		return v.Str == l.Str
	case "!=":
		return v.Str != l.Str
	case "CONTAINS":
		return strings.Contains(v.Str, l.Str)
	case "BEGINSWITH":
		return strings.HasPrefix(v.Str, l.Str)
	case "ENDSWITH":
		return strings.HasSuffix(v.Str, l.Str)
	}
	return false
}
