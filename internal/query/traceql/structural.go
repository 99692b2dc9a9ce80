package traceql

import (
	"lookout/internal/model"
	"lookout/internal/query"
)

// Structural operators relate the spans of two spansets by the trace's
// tree. The store selects the traces where both sides (for the negated
// forms, the right side) have spans, with the sides' compiled filters;
// Matched then walks the tree of each selected trace, over the sides' spans
// as their own matchers found them. As in Tempo, `{A} op {B}` yields the
// spans of B that stand in op to some span of A:
//
//	{A} >  {B}   B whose parent is in A (child)
//	{A} <  {B}   B with a child in A (parent)
//	{A} >> {B}   B with an ancestor in A (descendant)
//	{A} << {B}   B with a descendant in A (ancestor)
//	{A} ~  {B}   B with a sibling in A: another span of the same parent
//
// `!op` yields the spans of B that do not (so A may be empty), `&op` the
// spans of B that do and the spans of A they are related to.

// relation is a parsed structural operator.
type relation struct {
	axis  string // >, <, >>, <<, ~
	not   bool   // !op
	union bool   // &op
}

// inverse names the axis seen from the other side: B is a child of A
// exactly when A is B's parent.
var inverse = map[string]string{">": "<", "<": ">", ">>": "<<", "<<": ">>", "~": "~"}

func parseRelation(op string) (relation, bool) {
	var r relation
	switch {
	case len(op) > 1 && op[0] == '!':
		r.not, op = true, op[1:]
	case len(op) > 1 && op[0] == '&' && op != "&&":
		r.union, op = true, op[1:]
	}
	if _, ok := inverse[op]; !ok {
		return r, false
	}
	r.axis = op
	return r, true
}

// someRelated is the trace filter some(cond) of a structural node: what
// the spans it yields need, without the relation, which only Matched
// decides.
func (n *node) someRelated(rel relation, cond dnf) (*query.TraceFilter, error) {
	r, err := n.r.some(cond)
	if rel.not || err != nil {
		return r, err
	}
	if rel.union {
		l, err := n.l.some(cond)
		if err != nil {
			return nil, err
		}
		return n.someOfBoth(cond, l, r)
	}
	wl, err := n.l.some(truth())
	if err != nil {
		return nil, err
	}
	return query.AllOf(wl, r), nil
}

// matchedRelated is Matched for a structural node, given what its sides
// matched.
func matchedRelated(rel relation, spans []model.Span, l, r []bool) []bool {
	t := treeOf(spans)
	out := make([]bool, len(spans))
	toL := t.related(rel.axis, l) // spans in the relation to some span of A
	for i := range spans {
		out[i] = r[i] && toL[i] != rel.not
	}
	if rel.union && anyTrue(out) {
		toR := t.related(inverse[rel.axis], out)
		for i := range spans {
			out[i] = out[i] || l[i] && toR[i]
		}
	}
	return out
}

// tree is the parent links of a trace's spans, by index; -1 for a span
// whose parent is not in the trace (or that has none).
type tree struct {
	spans  []model.Span
	parent []int
}

func treeOf(spans []model.Span) tree {
	byID := make(map[model.SpanID]int, len(spans))
	for i := len(spans) - 1; i >= 0; i-- {
		byID[spans[i].SpanID] = i // the first copy of a repeated id
	}
	t := tree{spans: spans, parent: make([]int, len(spans))}
	for i := range spans {
		t.parent[i] = -1
		if p, ok := byID[spans[i].ParentSpanID]; ok && !spans[i].ParentSpanID.IsZero() && p != i {
			t.parent[i] = p
		}
	}
	return t
}

// related reports for each span whether it stands on axis to some marked
// span: is its child (>), its parent (<), its descendant (>>), its
// ancestor (<<) or its sibling (~).
func (t tree) related(axis string, marked []bool) []bool {
	out := make([]bool, len(t.spans))
	switch axis {
	case ">":
		for i, p := range t.parent {
			out[i] = p >= 0 && marked[p]
		}
	case "<":
		for i, p := range t.parent {
			if p >= 0 && marked[i] {
				out[p] = true
			}
		}
	case ">>":
		for i := range t.spans {
			// At most len(spans) steps: parent links in bad data may loop.
			for p, steps := t.parent[i], 0; p >= 0 && steps < len(t.spans); p, steps = t.parent[p], steps+1 {
				if marked[p] {
					out[i] = true
					break
				}
			}
		}
	case "<<":
		for i := range t.spans {
			if !marked[i] {
				continue
			}
			// Mark the ancestors up to one marked already: its own are.
			for p := t.parent[i]; p >= 0 && !out[p]; p = t.parent[p] {
				out[p] = true
			}
		}
	case "~":
		// Siblings share a parent id, whether or not the parent came.
		n := map[model.SpanID]int{}
		for i, s := range t.spans {
			if marked[i] && !s.ParentSpanID.IsZero() {
				n[s.ParentSpanID]++
			}
		}
		for i, s := range t.spans {
			self := 0
			if marked[i] {
				self = 1
			}
			out[i] = !s.ParentSpanID.IsZero() && n[s.ParentSpanID]-self > 0
		}
	}
	return out
}
