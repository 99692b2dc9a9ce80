package traceql

import (
	"lookout/internal/model"
	"lookout/internal/query"
)

// Which spans of a selected trace are "matched" (the spanset an answer
// shows) is decided in Go over the trace's spans, with the query package's
// span matcher: the store has selected the trace already.

// altMatcher matches one alternative.
type altMatcher struct {
	span, root *query.SpanMatcher // nil: no condition
	measures   []measureCmp
}

// build prepares the matchers of the tree's alternatives.
func (n *node) build() error {
	for _, c := range n.alts {
		var m altMatcher
		var err error
		if len(c.span) > 0 {
			if m.span, err = query.NewSpanMatcher(c.span, query.And); err != nil {
				return &Error{Msg: err.Error()}
			}
		}
		if len(c.root) > 0 {
			if m.root, err = query.NewSpanMatcher(c.root, query.And); err != nil {
				return &Error{Msg: err.Error()}
			}
		}
		m.measures = c.measures
		n.ms = append(n.ms, m)
	}
	for _, k := range []*node{n.l, n.r} {
		if k != nil {
			if err := k.build(); err != nil {
				return err
			}
		}
	}
	return nil
}

// traceFacts are what trace-level conditions read.
type traceFacts struct {
	root       *model.Span // the earliest span without a parent; nil if none
	durationMs float64     // last end minus first start
}

func factsOf(spans []model.Span) traceFacts {
	var f traceFacts
	if len(spans) == 0 {
		return f
	}
	first, last := spans[0].StartUnixNano, spans[0].EndUnixNano
	for i := range spans {
		s := &spans[i]
		first, last = min(first, s.StartUnixNano), max(last, s.EndUnixNano)
		if s.ParentSpanID.IsZero() && (f.root == nil || s.StartUnixNano < f.root.StartUnixNano) {
			f.root = s
		}
	}
	f.durationMs = float64(last-first) / 1e6
	return f
}

// Matched returns, for a trace's spans, which of them are in the spanset
// the query yields for it; none when the query does not match the trace.
func (c *Compiled) Matched(spans []model.Span) []bool {
	return c.tree.matched(spans, factsOf(spans))
}

func (n *node) matched(spans []model.Span, f traceFacts) []bool {
	out := make([]bool, len(spans))
	switch n.op {
	case "set", "filter":
		var in []bool
		if n.op == "filter" {
			in = n.l.matched(spans, f)
		}
		for i := range spans {
			if in != nil && !in[i] {
				continue
			}
			for _, m := range n.ms {
				if m.match(&spans[i], f) {
					out[i] = true
					break
				}
			}
		}
	case "aggregate":
		// The store selected the trace: the aggregate held on its spanset.
		return n.l.matched(spans, f)
	default:
		l, r := n.l.matched(spans, f), n.r.matched(spans, f)
		if rel, ok := parseRelation(n.op); ok {
			return matchedRelated(rel, spans, l, r)
		}
		if n.op == "&&" && (!anyTrue(l) || !anyTrue(r)) {
			return out
		}
		for i := range out {
			out[i] = l[i] || r[i]
		}
	}
	return out
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

func (m altMatcher) match(sp *model.Span, f traceFacts) bool {
	if m.root != nil && (f.root == nil || !m.root.Match(f.root)) {
		return false
	}
	for _, c := range m.measures {
		if !compareFloat(f.durationMs, c.op, c.v) {
			return false
		}
	}
	return m.span == nil || m.span.Match(sp)
}

func compareFloat(x float64, op query.FilterOp, v float64) bool {
	switch op {
	case query.FilterEq:
		return x == v
	case query.FilterNe:
		return x != v
	case query.FilterGt:
		return x > v
	case query.FilterGe:
		return x >= v
	case query.FilterLt:
		return x < v
	}
	return x <= v
}

// SpanConditions returns the span conditions of the query's alternatives,
// leaving out conditions on the root span and the trace: a span may be in
// the query's answer only if it satisfies one of them. all is true when
// every span may be.
func (c *Compiled) SpanConditions() (alts [][]query.Filter, all bool) {
	d, err := c.tree.spanDNF()
	if err != nil {
		return nil, true
	}
	for _, a := range d {
		if len(a.span) == 0 {
			return nil, true
		}
		alts = append(alts, a.span)
	}
	return alts, false
}

// spanDNF is the span part of the alternatives a span of n's spanset
// satisfies.
func (n *node) spanDNF() (dnf, error) {
	own := make(dnf, len(n.alts))
	for i, a := range n.alts {
		own[i] = conj{span: a.span}
	}
	switch n.op {
	case "set":
		return own, nil
	case "filter":
		in, err := n.l.spanDNF()
		if err != nil {
			return nil, err
		}
		return and(in, own)
	case "aggregate":
		return n.l.spanDNF()
	}
	if rel, ok := parseRelation(n.op); ok && !rel.union {
		return n.r.spanDNF()
	}
	l, err := n.l.spanDNF()
	if err != nil {
		return nil, err
	}
	r, err := n.r.spanDNF()
	if err != nil {
		return nil, err
	}
	return or(l, r)
}
