package xrayfilter

import (
	"slices"
	"strings"
)

// RootCause holds when the trace has a root cause of Kind ("fault",
// "error" or "responsetime") whose Level ("service", "entity" or
// "exception") satisfies Inner (nil: any): rootcause.fault.service { name
// = "api" }, rootcause.responseTime.entity { remote },
// rootcause.error.exception { message CONTAINS "timeout" }.
type RootCause struct {
	Kind, Level string
	Inner       Expr
}

func (e *RootCause) String() string {
	k := e.Kind
	if k == "responsetime" {
		k = "responseTime"
	}
	return "rootcause." + k + "." + e.Level + inner(e.Inner)
}

// Cause is one root cause of a trace, as X-Ray finds them: for a fault or
// an error, the deepest entity (segment or subsegment) that has one while
// none of its children does; for the response time, the entity reached
// from the root by following the slowest child.
type Cause struct {
	Kind string // "fault", "error", "responsetime"
	// Service is the node the entity belongs to (the callee's, for a call
	// to a resource that sent no segment).
	Service Node
	// Entity is the segment's or subsegment's name; Remote tells that it
	// is a call to another service or resource.
	Entity     string
	Remote     bool
	Exceptions []Exception
}

// Exception is an exception recorded on a root cause's entity.
type Exception struct{ Name, Message string }

// causeKeywords lists the keywords each level of a root cause takes
// inside its braces.
var causeKeywords = map[string]map[string]keyKind{
	"service":   {"name": kString, "type": kString, "inferred": kBool},
	"entity":    {"name": kString, "remote": kBool},
	"exception": {"name": kString, "message": kString},
}

// rootCause reads rootcause.<kind>.<level> [ "{" expr "}" ].
func (p *parser) rootCause() (Expr, error) {
	t := p.next()
	parts := strings.Split(t.text, ".")
	if len(parts) != 3 {
		return nil, errAt(t.pos, "%s: want rootcause.<fault|error|responseTime>.<service|entity|exception>", t.text)
	}
	kind := parts[1]
	if kind == "responseTime" {
		kind = "responsetime"
	}
	if kind != "fault" && kind != "error" && kind != "responsetime" {
		return nil, errAt(t.pos, "%s: the root cause kind is fault, error or responseTime, not %q", t.text, parts[1])
	}
	if causeKeywords[parts[2]] == nil {
		return nil, errAt(t.pos, "%s: the root cause level is service, entity or exception, not %q", t.text, parts[2])
	}
	if p.sub > 0 || p.cause != "" {
		return nil, errAt(t.pos, "%s selects whole traces: it cannot be used inside braces", t.text)
	}
	rc := &RootCause{Kind: kind, Level: parts[2]}
	p.cause = rc.Level
	var err error
	rc.Inner, err = p.subFilter()
	p.cause = ""
	return rc, err
}

// evalCauses reports whether one of the trace's root causes satisfies e.
func evalCauses(e *RootCause, t *Trace) bool {
	for i := range t.RootCauses {
		c := &t.RootCauses[i]
		if c.Kind != e.Kind {
			continue
		}
		if e.Level != "exception" {
			if e.Inner == nil || evalCause(e.Inner, c, nil) {
				return true
			}
			continue
		}
		for j := range c.Exceptions {
			if e.Inner == nil || evalCause(e.Inner, c, &c.Exceptions[j]) {
				return true
			}
		}
	}
	return false
}

// evalCause evaluates the inside of a root cause's braces: x is the
// exception in scope at the exception level.
func evalCause(e Expr, c *Cause, x *Exception) bool {
	switch e := e.(type) {
	case *And:
		return evalCause(e.L, c, x) && evalCause(e.R, c, x)
	case *Or:
		return evalCause(e.L, c, x) || evalCause(e.R, c, x)
	case *Not:
		return !evalCause(e.X, c, x)
	case *Cmp:
		switch {
		case x != nil && e.Key == "name":
			return strCmp(x.Name, e)
		case x != nil && e.Key == "message":
			return strCmp(x.Message, e)
		case e.Key == "remote":
			return boolCmp(c.Remote, e)
		case e.Key == "inferred":
			return boolCmp(c.Service.Inferred, e)
		case e.Key == "type":
			return strCmp(c.Service.Type, e)
		case e.Key == "name" && e.cause == "entity":
			return strCmp(c.Entity, e)
		case e.Key == "name":
			return strCmp(c.Service.Name, e)
		}
	}
	return false
}

// causeKeys lists the keywords of a root cause level, sorted.
func causeKeys(level string) string {
	var ks []string
	for k := range causeKeywords[level] {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}
