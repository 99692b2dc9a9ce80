package xrayread

import (
	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/tracelint"
)

// rootCauses finds a trace's root causes as X-Ray does: for faults and
// errors, every entity (segment or subsegment) that has one while none of
// its children does; for the response time, the entity reached from the
// root by following the slowest child. serviceOf names the node an entity
// belongs to.
func rootCauses(t *tracelint.Tree, outs []xrayfilter.Outcome, serviceOf func(i int) xrayfilter.Node) []xrayfilter.Cause {
	var out []xrayfilter.Cause
	for _, kind := range []string{"fault", "error"} {
		has := func(i int) bool {
			if kind == "fault" {
				return outs[i].Fault
			}
			return outs[i].Error
		}
		for i := range t.Spans {
			if !has(i) || anyChild(t, i, has) {
				continue
			}
			out = append(out, causeOf(kind, t, i, serviceOf))
		}
	}
	if i := t.Root(); i >= 0 {
		for {
			next := -1
			for _, c := range t.Children[i] {
				if next < 0 || t.Spans[c].DurationNano() > t.Spans[next].DurationNano() {
					next = c
				}
			}
			if next < 0 {
				break
			}
			i = next
		}
		out = append(out, causeOf("responsetime", t, i, serviceOf))
	}
	return out
}

func anyChild(t *tracelint.Tree, i int, has func(int) bool) bool {
	for _, c := range t.Children[i] {
		if has(c) {
			return true
		}
	}
	return false
}

// causeOf describes entity i as a root cause of kind.
func causeOf(kind string, t *tracelint.Tree, i int, serviceOf func(int) xrayfilter.Node) xrayfilter.Cause {
	sp := t.Spans[i]
	c := xrayfilter.Cause{Kind: kind, Service: serviceOf(i), Entity: sp.Name, Remote: sp.Kind == model.SpanKindClient}
	for _, e := range sp.Events {
		if e.Name != "exception" {
			continue
		}
		name, _ := e.Attributes.Get("exception.type")
		msg, _ := e.Attributes.Get("exception.message")
		c.Exceptions = append(c.Exceptions, xrayfilter.Exception{Name: name.Str, Message: msg.Str})
	}
	return c
}
