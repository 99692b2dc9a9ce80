package traceql

import "fmt"

// MaxDepth bounds the nesting of parentheses, negations and operators.
const MaxDepth = 100

// Parse reads a TraceQL query:
//
//	query    = spansets { "|" stage }
//	spansets = spanset-or ; "||" binds looser than "&&", structural operators tighter
//	spanset  = "{" [ cond ] "}" | "(" spansets ")"
//	stage    = "{" [ cond ] "}" | "select" "(" field { "," field } ")"
//	         | ( "count" "(" ")" | ( "avg" | "min" | "max" | "sum" ) "(" field ")" ) op literal
//	         | metrics-function "(" [ field { "," quantile } ] ")" [ "by" "(" field { "," field } ")" ]
//	         | word "(" ... ")" [ op literal ]
//	hints    = "with" "(" word "=" literal { "," word "=" literal } ")" ; at the end
//	cond     = and-conds { "||" and-conds } ; and-conds = unary { "&&" unary }
//	unary    = "!" unary | "(" cond ")" | field op literal | literal op field | "true" | "false"
//
// Fields are intrinsics (name, status, statusMessage, kind, duration,
// rootName, rootServiceName, traceDuration, scope:name forms), attributes
// (span.key, resource.key, event.key, .key, quoted names such as
// span."a b"). It returns an *Error naming the offset of the problem.
func Parse(src string) (*Query, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, src: src}
	q := &Query{}
	if q.Spansets, err = p.spansets(0); err != nil {
		return nil, err
	}
	for p.peek().is(tPunct, "|") {
		p.next()
		st, err := p.stage()
		if err != nil {
			return nil, err
		}
		q.Stages = append(q.Stages, st)
	}
	if t := p.peek(); t.is(tWord, "with") && p.toks[p.i+1].is(tPunct, "(") {
		if q.Hints, err = p.hints(); err != nil {
			return nil, err
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errorf(t.pos, "unexpected %s after the query", t.describe())
	}
	return q, nil
}

type parser struct {
	toks []token
	i    int
	src  string
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (t token) is(k tokKind, text string) bool { return t.kind == k && t.text == text }

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return fmt.Sprintf("string %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

func (p *parser) expect(k tokKind, text string) error {
	if t := p.next(); !t.is(k, text) {
		return errorf(t.pos, "want %q, got %s", text, t.describe())
	}
	return nil
}

func deep(pos, depth int) error {
	if depth > MaxDepth {
		return errorf(pos, "nested deeper than %d", MaxDepth)
	}
	return nil
}

// structural are the operators between spansets other than && and ||.
var structural = map[string]bool{
	">": true, ">>": true, "<": true, "<<": true, "~": true,
	"!>": true, "!>>": true, "!<": true, "!<<": true, "!~": true,
	"&>": true, "&>>": true, "&<": true, "&<<": true, "&~": true,
}

// spansets reads spanset expressions joined by ||, && and structural
// operators, in that order of binding (loosest first).
func (p *parser) spansets(depth int) (SpansetExpr, error) {
	return p.spansetBinary(depth, 0)
}

// spansetLevels are the operator levels, loosest first.
var spansetLevels = []func(string) bool{
	func(op string) bool { return op == "||" },
	func(op string) bool { return op == "&&" },
	func(op string) bool { return structural[op] },
}

func (p *parser) spansetBinary(depth, level int) (SpansetExpr, error) {
	if level == len(spansetLevels) {
		return p.spansetPrimary(depth)
	}
	l, err := p.spansetBinary(depth, level+1)
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t.kind == tOp && spansetLevels[level](t.text); t = p.peek() {
		p.next()
		if err := deep(t.pos, depth+1); err != nil {
			return nil, err
		}
		r, err := p.spansetBinary(depth+1, level+1)
		if err != nil {
			return nil, err
		}
		l = &SpansetOp{Op: t.text, L: l, R: r, Pos: t.pos}
		depth++
	}
	return l, nil
}

func (p *parser) spansetPrimary(depth int) (SpansetExpr, error) {
	t := p.peek()
	switch {
	case t.is(tPunct, "{"):
		return p.spanset(depth)
	case t.is(tPunct, "("):
		p.next()
		if err := deep(t.pos, depth+1); err != nil {
			return nil, err
		}
		e, err := p.spansets(depth + 1)
		if err != nil {
			return nil, err
		}
		return e, p.expect(tPunct, ")")
	}
	return nil, errorf(t.pos, "want a spanset { ... }, got %s", t.describe())
}

// spanset reads { cond } or { }.
func (p *parser) spanset(depth int) (*Spanset, error) {
	if err := p.expect(tPunct, "{"); err != nil {
		return nil, err
	}
	if p.peek().is(tPunct, "}") {
		p.next()
		return &Spanset{}, nil
	}
	c, err := p.cond(depth + 1)
	if err != nil {
		return nil, err
	}
	return &Spanset{Cond: c}, p.expect(tPunct, "}")
}

// cond reads conditions joined by || (looser) and && (tighter).
func (p *parser) cond(depth int) (Expr, error) {
	l, err := p.condAnd(depth)
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t.is(tOp, "||"); t = p.peek() {
		p.next()
		depth++
		if err := deep(t.pos, depth); err != nil {
			return nil, err
		}
		r, err := p.condAnd(depth)
		if err != nil {
			return nil, err
		}
		l = &Or{L: l, R: r}
	}
	return l, nil
}

func (p *parser) condAnd(depth int) (Expr, error) {
	l, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t.is(tOp, "&&"); t = p.peek() {
		p.next()
		depth++
		if err := deep(t.pos, depth); err != nil {
			return nil, err
		}
		r, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		l = &And{L: l, R: r}
	}
	return l, nil
}

func (p *parser) unary(depth int) (Expr, error) {
	t := p.peek()
	if err := deep(t.pos, depth); err != nil {
		return nil, err
	}
	switch {
	case t.is(tOp, "!"):
		p.next()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case t.is(tPunct, "("):
		p.next()
		x, err := p.cond(depth + 1)
		if err != nil {
			return nil, err
		}
		return x, p.expect(tPunct, ")")
	case t.kind == tWord && (t.text == "true" || t.text == "false") && !(p.toks[p.i+1].kind == tOp && cmpOps[p.toks[p.i+1].text]):
		p.next()
		return &Bool{V: t.text == "true"}, nil
	}
	return p.comparison()
}

// cmpOps are the comparison operators.
var cmpOps = map[string]bool{"=": true, "!=": true, ">": true, ">=": true, "<": true, "<=": true, "=~": true, "!~": true}

// flipped turns a comparison around: 5 < x is x > 5.
var flipped = map[string]string{"=": "=", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}

// arithmetic are the operators TraceQL computes with.
var arithmetic = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "^": true}

// comparison reads field op literal, or literal op field.
func (p *parser) comparison() (Expr, error) {
	start := p.peek()
	if isFieldTok(start) {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		op := p.next()
		switch {
		case op.kind == tOp && arithmetic[op.text]:
			return nil, unsupported(op.pos, "arithmetic (%s)", op.text)
		case op.kind != tOp || !cmpOps[op.text]:
			return nil, errorf(op.pos, "want a comparison after %s, got %s", f, op.describe())
		}
		if isFieldTok(p.peek()) {
			return nil, unsupported(p.peek().pos, "comparing two fields (%s %s %s)", f, op.text, p.peek().text)
		}
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		if a := p.peek(); a.kind == tOp && arithmetic[a.text] {
			return nil, unsupported(a.pos, "arithmetic (%s)", a.text)
		}
		return &Cmp{Field: f, Op: op.text, Value: v, Pos: start.pos}, nil
	}
	v, err := p.literal()
	if err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind == tOp && arithmetic[op.text] {
		return nil, unsupported(op.pos, "arithmetic (%s)", op.text)
	}
	rev, ok := flipped[op.text]
	if op.kind != tOp || !ok {
		if op.is(tOp, "=~") || op.is(tOp, "!~") {
			return nil, errorf(op.pos, "a regular expression goes right of %s", op.text)
		}
		return nil, errorf(op.pos, "want a comparison after %s, got %s", v, op.describe())
	}
	if !isFieldTok(p.peek()) {
		return nil, errorf(p.peek().pos, "want a field after %s %s, got %s", v, op.text, p.peek().describe())
	}
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	return &Cmp{Field: f, Op: rev, Value: v, Pos: start.pos}, nil
}

// intrinsics are the bare words that name intrinsic fields.
var intrinsics = map[string]bool{
	"name": true, "status": true, "statusMessage": true, "kind": true, "duration": true,
	"rootName": true, "rootServiceName": true, "traceDuration": true,
	"nestedSetLeft": true, "nestedSetRight": true, "nestedSetParent": true, "childCount": true,
}

func isFieldTok(t token) bool {
	return t.kind == tAttr || t.kind == tIntrinsic || t.kind == tWord && intrinsics[t.text]
}

func (p *parser) field() (Field, error) {
	t := p.next()
	switch {
	case t.kind == tAttr:
		return Field{Scope: t.scope, Name: t.name}, nil
	case t.kind == tIntrinsic:
		return Field{Scope: t.scope, Name: t.name, Intrinsic: true}, nil
	case t.kind == tWord && intrinsics[t.text]:
		return Field{Name: t.text, Intrinsic: true}, nil
	}
	return Field{}, errorf(t.pos, "want a field (name, status, span.key, .key, ...), got %s", t.describe())
}

// keywords are the bare words that are literals.
var keywords = map[string]Value{
	"true": {Kind: KindBool, Bool: true}, "false": {Kind: KindBool},
	"nil":   {Kind: KindNil},
	"error": {Kind: KindStatus, Str: "error"}, "ok": {Kind: KindStatus, Str: "ok"}, "unset": {Kind: KindStatus, Str: "unset"},
	"unspecified": {Kind: KindSpanKind, Str: "unspecified"}, "internal": {Kind: KindSpanKind, Str: "internal"},
	"server": {Kind: KindSpanKind, Str: "server"}, "client": {Kind: KindSpanKind, Str: "client"},
	"producer": {Kind: KindSpanKind, Str: "producer"}, "consumer": {Kind: KindSpanKind, Str: "consumer"},
}

// literal reads a string, a number (with an optional minus), a duration
// or a keyword.
func (p *parser) literal() (Value, error) {
	t := p.next()
	neg := false
	if t.is(tOp, "-") {
		neg, t = true, p.next()
		if t.kind != tInt && t.kind != tFloat && t.kind != tDuration {
			return Value{}, errorf(t.pos, "want a number after -, got %s", t.describe())
		}
	}
	switch t.kind {
	case tString:
		return Value{Kind: KindString, Str: t.text}, nil
	case tInt, tFloat, tDuration:
		v := t.num
		if neg {
			v.Int, v.Float, v.Dur = -v.Int, -v.Float, -v.Dur
		}
		return v, nil
	case tWord:
		if v, ok := keywords[t.text]; ok {
			return v, nil
		}
	}
	return Value{}, errorf(t.pos, "want a value (a string, number, duration, true, false, nil, a status or a kind), got %s", t.describe())
}
