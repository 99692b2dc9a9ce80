// Package traceql reads TraceQL, the trace query language of Grafana Tempo,
// and compiles it into Lookout's one query model: a query.TraceFilter that a
// store's FindTraces evaluates, plus what marks a span of a selected trace
// as matched. Parse reads the language; Compile refuses, naming it, what the
// query model cannot express (arithmetic, by(), ...).
package traceql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Query is a parsed query: a spanset expression and its pipeline.
type Query struct {
	Spansets SpansetExpr
	// Stages are the pipeline stages after the first expression, in order.
	Stages []Stage
	// Hints are the query's `with(...)` hints; Lookout reads none of them
	// (it does not sample).
	Hints []Hint
}

// SpansetExpr is a spanset (Spanset) or two joined by an operator
// (SpansetOp).
type SpansetExpr interface{ spansetExpr() }

// Spanset is `{ cond }`: the spans for which Cond holds. Cond is nil for
// `{ }`, which holds for every span.
type Spanset struct {
	Cond Expr
}

// SpansetOp joins two spanset expressions: "&&" (both non-empty, their
// union), "||" (their union), or a structural operator (">", ">>", "<",
// "<<", "~" and their "!" and "&" forms; see structural.go).
type SpansetOp struct {
	Op   string
	L, R SpansetExpr
	Pos  int
}

func (*Spanset) spansetExpr()   {}
func (*SpansetOp) spansetExpr() {}

// Stage is one pipeline stage: a spanset filter (*Spanset), a selection of
// fields (*Select), an aggregate (*Aggregate), a metrics function
// (*Metrics, see CompileMetrics) or another function (*Func), which Compile
// refuses.
type Stage interface{ stage() }

// Select is `select(field, ...)`: fields to show on the spans of the answer.
type Select struct {
	Fields []Field
	Pos    int
}

// Aggregate is `count() > 2` or `avg(duration) > 1s` (also min, max and
// sum of a field): the spanset passes when the aggregate over its spans
// compares so.
type Aggregate struct {
	Name  string
	Field *Field // nil for count
	Op    string
	Value Value
	Pos   int
}

// Func is a pipeline function call Lookout does not run: `by(...)`,
// `coalesce()`, `compare()`, `topk()`, ...
type Func struct {
	Name string
	Pos  int
	Text string // the stage as written
}

func (*Spanset) stage()   {}
func (*Select) stage()    {}
func (*Aggregate) stage() {}
func (*Func) stage()      {}

// Expr is a condition on one span.
type Expr interface{ expr() }

// And holds when both sides do.
type And struct{ L, R Expr }

// Or holds when either side does.
type Or struct{ L, R Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// Cmp compares a field with a literal: `span.http.status_code >= 500`.
// A literal written first is turned around (`500 <= span...`).
type Cmp struct {
	Field Field
	Op    string // = != > >= < <= =~ !~
	Value Value
	Pos   int
}

// Bool is a literal true or false.
type Bool struct{ V bool }

func (*And) expr()  {}
func (*Or) expr()   {}
func (*Not) expr()  {}
func (*Cmp) expr()  {}
func (*Bool) expr() {}

// Field names what a condition reads: an intrinsic (Intrinsic set; Scope
// "" for `name`, or "span", "trace", "event", ... for `span:name`) or an
// attribute (Scope "" for `.key`, else "span", "resource", "event", ...).
type Field struct {
	Scope     string
	Name      string
	Intrinsic bool
}

// String writes the field as TraceQL does.
func (f Field) String() string {
	switch {
	case f.Intrinsic && f.Scope == "":
		return f.Name
	case f.Intrinsic:
		return f.Scope + ":" + f.Name
	}
	return f.Scope + "." + quoteName(f.Name)
}

// quoteName quotes an attribute name that would not read back bare.
func quoteName(s string) string {
	if s == "" {
		return `""`
	}
	for i := 0; i < len(s); i++ {
		if isNameEnd(s[i]) {
			return strconv.Quote(s)
		}
	}
	return s
}

// Kind is the type of a literal.
type Kind int

// The literal types.
const (
	KindString   Kind = iota // "text" or `text`
	KindInt                  // 42, -1
	KindFloat                // 1.5
	KindDuration             // 100ms, 1.5s, 1h30m
	KindBool                 // true, false
	KindStatus               // error, ok, unset
	KindSpanKind             // unspecified, internal, server, client, producer, consumer
	KindNil                  // nil
)

// Value is a literal.
type Value struct {
	Kind  Kind
	Str   string // KindString; the keyword of KindStatus and KindSpanKind
	Int   int64
	Float float64
	Dur   time.Duration
	Bool  bool
}

// String writes the literal as TraceQL does.
func (v Value) String() string {
	switch v.Kind {
	case KindString:
		return strconv.Quote(v.Str)
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindFloat:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case KindDuration:
		return v.Dur.String()
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindNil:
		return "nil"
	}
	return v.Str
}

// Error is a query that does not parse or that Lookout cannot run. Pos is
// the byte offset in the query it concerns.
type Error struct {
	Pos int
	Msg string
	// Unsupported marks valid TraceQL that Lookout does not run (yet).
	Unsupported bool
}

func (e *Error) Error() string { return fmt.Sprintf("at %d: %s", e.Pos, e.Msg) }

func errorf(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func unsupported(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...) + " is not supported yet", Unsupported: true}
}

// String writes the query back as TraceQL, every operation parenthesised:
// Parse(q.String()) gives q again.
func (q *Query) String() string {
	s := spansetString(q.Spansets)
	for _, st := range q.Stages {
		s += " | "
		switch st := st.(type) {
		case *Spanset:
			s += spansetString(st)
		case *Select:
			s += "select(" + fieldList(st.Fields) + ")"
		case *Aggregate:
			s += st.Name + "("
			if st.Field != nil {
				s += st.Field.String()
			}
			s += ") " + st.Op + " " + st.Value.String()
		case *Metrics:
			s += metricsString(st)
		case *Func:
			s += st.Text
		}
	}
	return s + hintsString(q.Hints)
}

// fieldList writes fields separated by commas.
func fieldList(fs []Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, ", ")
}

func spansetString(e SpansetExpr) string {
	switch e := e.(type) {
	case *Spanset:
		if e.Cond == nil {
			return "{ }"
		}
		return "{ " + exprString(e.Cond) + " }"
	case *SpansetOp:
		return "(" + spansetString(e.L) + " " + e.Op + " " + spansetString(e.R) + ")"
	}
	return "?"
}

func exprString(e Expr) string {
	switch e := e.(type) {
	case *And:
		return "(" + exprString(e.L) + " && " + exprString(e.R) + ")"
	case *Or:
		return "(" + exprString(e.L) + " || " + exprString(e.R) + ")"
	case *Not:
		return "!(" + exprString(e.X) + ")"
	case *Bool:
		return strconv.FormatBool(e.V)
	case *Cmp:
		return e.Field.String() + " " + e.Op + " " + e.Value.String()
	}
	return "?"
}
