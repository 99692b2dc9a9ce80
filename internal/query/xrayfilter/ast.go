// Package xrayfilter parses AWS X-Ray filter expressions (the language of
// GetTraceSummaries' FilterExpression and of X-Ray groups) and evaluates
// them against a trace's facts. Parse reports the byte position of the
// first fault; a parsed Expr is type-checked, so Match never fails.
//
// Compile translates an expression into the query model's trace-level
// filters (lookout/internal/query.TraceFilter) as a bracket: a filter that
// selects every matching trace and one that selects only matching traces.
// A store selects the candidates; Match, over Trace facts the caller builds
// from their spans, decides what the store could not (the residual).
package xrayfilter

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a malformed expression: Pos is the byte offset (0-based) of the
// offending token.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("position %d: %s", e.Pos+1, e.Msg) }

func errAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Expr is a parsed filter expression.
type Expr interface {
	String() string
}

// And holds when both sides do.
type And struct{ L, R Expr }

// Or holds when either side does.
type Or struct{ L, R Expr }

// Not negates X.
type Not struct{ X Expr }

// Cmp compares a keyword with values. Op is "" for a bare keyword (a boolean
// keyword is true; an annotation is present).
type Cmp struct {
	Key    string
	Op     string
	Values []Value
	kind   keyKind
	cause  string // the root cause level whose braces hold it; "" elsewhere
}

// Service holds when the trace has a node matched by Match (nil: any node)
// for which Inner (nil: true) holds.
type Service struct {
	Match *ID
	Inner Expr
}

// Edge holds when the trace has a call from a node matched by From to one
// matched by To for which Inner (nil: true) holds.
type Edge struct {
	From, To *ID
	Inner    Expr
}

// ID identifies a node by name and/or type; nil fields match anything.
type ID struct {
	Name *string
	Type *string
}

// ValueKind is the type of a literal or annotation value.
type ValueKind int

// The value kinds.
const (
	String ValueKind = iota
	Number
	Bool
)

// Value is a typed literal or annotation value.
type Value struct {
	Kind ValueKind
	Str  string
	Num  float64
	Bool bool
}

func (v Value) String() string {
	switch v.Kind {
	case Number:
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case Bool:
		return strconv.FormatBool(v.Bool)
	}
	return quote(v.Str)
}

// quote writes s as the lexer reads strings: only '"' and '\' escaped.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (e *And) String() string { return "(" + e.L.String() + " AND " + e.R.String() + ")" }
func (e *Or) String() string  { return "(" + e.L.String() + " OR " + e.R.String() + ")" }
func (e *Not) String() string { return "!" + e.X.String() }

func (e *Cmp) String() string {
	if e.Op == "" {
		return e.Key
	}
	if e.Op == "IN" {
		vs := make([]string, len(e.Values))
		for i, v := range e.Values {
			vs[i] = v.String()
		}
		return e.Key + " IN [" + strings.Join(vs, ", ") + "]"
	}
	return e.Key + " " + e.Op + " " + e.Values[0].String()
}

func (id *ID) String() string {
	if id == nil {
		return ""
	}
	var parts []string
	if id.Name != nil {
		parts = append(parts, "name: "+quote(*id.Name))
	}
	if id.Type != nil {
		parts = append(parts, "type: "+quote(*id.Type))
	}
	return "id(" + strings.Join(parts, ", ") + ")"
}

func inner(e Expr) string {
	if e == nil {
		return ""
	}
	return " { " + e.String() + " }"
}

func (e *Service) String() string { return "service(" + e.Match.String() + ")" + inner(e.Inner) }
func (e *Edge) String() string {
	return "edge(" + e.From.String() + ", " + e.To.String() + ")" + inner(e.Inner)
}

// keyKind is the type of a keyword.
type keyKind int

const (
	kBool keyKind = iota
	kNumber
	kString
	kAnnotation
	kGroup // group.name, group.arn: replaced by Resolve
)

// keywords lists the supported keywords and their types. Keywords are
// case-sensitive, as in X-Ray.
var keywords = map[string]keyKind{
	"ok": kBool, "error": kBool, "fault": kBool, "throttle": kBool, "partial": kBool,
	"root": kBool, "inferred": kBool,
	"responsetime": kNumber, "duration": kNumber, "http.status": kNumber,
	"http.url": kString, "http.method": kString, "http.useragent": kString, "http.clientip": kString,
	"user": kString, "name": kString, "type": kString,
	"fault.exception.message": kString, "error.exception.message": kString, "cause.message": kString,
	"availabilityzone": kString, "instance.id": kString, "message": kString,
	GroupName: kGroup, GroupARN: kGroup,
}

// aliases are other spellings of keywords that X-Ray's own examples use;
// the parser reads them as the keyword.
var aliases = map[string]string{"responseTime": "responsetime"}

// opsFor lists the operators each keyword type takes.
var opsFor = map[keyKind]string{
	kBool:   "= !=",
	kNumber: "= != < <= > >=",
	kString: "= != CONTAINS BEGINSWITH ENDSWITH IN",
	kGroup:  "= !=",
}
