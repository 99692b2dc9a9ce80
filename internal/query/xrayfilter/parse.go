package xrayfilter

import (
	"strconv"
	"strings"
)

// MaxLength bounds an expression, as X-Ray does for FilterExpression.
const MaxLength = 2000

// maxDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxDepth = 100

// Parse parses and type-checks a filter expression. Grammar (AND binds
// tighter than OR; terms side by side are joined by AND):
//
//	expr    = and { (OR | "||") and }
//	and     = unary { [AND | "&&"] unary }
//	unary   = "!" unary | "(" expr ")" | service | edge | id | cmp
//	service = "service" "(" [ STRING | id ] ")" [ "{" expr "}" ]
//	edge    = "edge" "(" (STRING | id) "," (STRING | id) ")" [ "{" expr "}" ]
//	id      = "id" "(" [ ("name" | "type") ":" STRING { "," ... } ] ")"
//	cmp     = keyword [ op value ] ;  value = STRING | NUMBER | true | false | "[" value {"," value} "]"
//
// Errors are *Error values naming the position.
func Parse(src string) (Expr, error) {
	if len(src) > MaxLength {
		return nil, errAt(MaxLength, "expression longer than %d characters", MaxLength)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, errAt(0, "empty expression")
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errAt(t.pos, "unexpected %s", t.describe())
	}
	return e, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
	sub   int    // > 0 inside the { } of service() or edge()
	cause string // the level of the root cause whose { } is being read
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, errAt(t.pos, "expected %s, found %s", what, t.describe())
	}
	return t, nil
}

func (p *parser) or() (Expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &Or{l, r}
	}
	return l, nil
}

func startsTerm(k tokKind) bool { return k == tNot || k == tLParen || k == tIdent }

func (p *parser) and() (Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		if p.peek().kind == tAnd {
			p.next()
		} else if !startsTerm(p.peek().kind) {
			return l, nil
		}
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &And{l, r}
	}
}

func (p *parser) unary() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	t := p.peek()
	if p.depth > maxDepth {
		return nil, errAt(t.pos, "expression nested more than %d deep", maxDepth)
	}
	switch t.kind {
	case tNot:
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Not{x}, nil
	case tLParen:
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return e, nil
	case tIdent:
		next := p.toks[p.i+1]
		switch {
		case t.text == "service" && next.kind == tLParen:
			return p.service()
		case t.text == "edge" && next.kind == tLParen:
			return p.edge()
		case strings.HasPrefix(t.text, "rootcause."):
			return p.rootCause()
		case t.text == "id" && next.kind == tLParen:
			p.next()
			id, err := p.idArgs()
			if err != nil {
				return nil, err
			}
			return &Service{Match: id}, nil
		}
		return p.cmp()
	}
	return nil, errAt(t.pos, "expected a keyword, '!' or '(', found %s", t.describe())
}

func (p *parser) service() (Expr, error) {
	p.next() // service
	p.next() // (
	s := &Service{}
	if p.peek().kind != tRParen {
		id, err := p.nodeRef()
		if err != nil {
			return nil, err
		}
		s.Match = id
	}
	if _, err := p.expect(tRParen, "')'"); err != nil {
		return nil, err
	}
	var err error
	s.Inner, err = p.subFilter()
	return s, err
}

func (p *parser) edge() (Expr, error) {
	p.next() // edge
	p.next() // (
	e := &Edge{}
	var err error
	if e.From, err = p.nodeRef(); err != nil {
		return nil, err
	}
	if _, err := p.expect(tComma, "','"); err != nil {
		return nil, err
	}
	if e.To, err = p.nodeRef(); err != nil {
		return nil, err
	}
	if _, err := p.expect(tRParen, "')'"); err != nil {
		return nil, err
	}
	e.Inner, err = p.subFilter()
	return e, err
}

// subFilter reads an optional "{ expr }".
func (p *parser) subFilter() (Expr, error) {
	if p.peek().kind != tLBrace {
		return nil, nil
	}
	p.next()
	p.sub++
	e, err := p.or()
	p.sub--
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tRBrace, "'}'"); err != nil {
		return nil, err
	}
	return e, nil
}

// nodeRef reads a node name (a string) or an id(...).
func (p *parser) nodeRef() (*ID, error) {
	t := p.next()
	switch {
	case t.kind == tString:
		name := t.text
		return &ID{Name: &name}, nil
	case t.kind == tIdent && t.text == "id" && p.peek().kind == tLParen:
		return p.idArgs()
	}
	return nil, errAt(t.pos, "expected a service name (string) or id(...), found %s", t.describe())
}

// idArgs reads "(name: "x", type: "y")" after the keyword id.
func (p *parser) idArgs() (*ID, error) {
	if _, err := p.expect(tLParen, "'('"); err != nil {
		return nil, err
	}
	id := &ID{}
	for p.peek().kind != tRParen {
		if id.Name != nil || id.Type != nil {
			if _, err := p.expect(tComma, "','"); err != nil {
				return nil, err
			}
		}
		k, err := p.expect(tIdent, "name or type")
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tColon, "':'"); err != nil {
			return nil, err
		}
		v, err := p.expect(tString, "a string")
		if err != nil {
			return nil, err
		}
		val := v.text
		switch {
		case k.text == "name" && id.Name == nil:
			id.Name = &val
		case k.text == "type" && id.Type == nil:
			id.Type = &val
		default:
			return nil, errAt(k.pos, "id(): unexpected or repeated field %q (want name, type)", k.text)
		}
	}
	p.next()
	return id, nil
}

func (p *parser) cmp() (Expr, error) {
	t := p.next()
	if canon, ok := aliases[t.text]; ok {
		t.text = canon
	}
	kind, ok := keywords[t.text]
	if p.cause != "" {
		if kind, ok = causeKeywords[p.cause][t.text]; !ok {
			return nil, errAt(t.pos, "unknown keyword %q in a root cause's %s (want one of %s)", t.text, p.cause, causeKeys(p.cause))
		}
	}
	if !ok {
		key, isAnn := strings.CutPrefix(t.text, "annotation.")
		if !isAnn || key == "" {
			return nil, errAt(t.pos, "unknown keyword %q", t.text)
		}
		kind = kAnnotation
	}
	c := &Cmp{Key: t.text, kind: kind, cause: p.cause}
	if kind == kGroup && p.sub > 0 {
		return nil, errAt(t.pos, "%s selects whole traces: it cannot be used inside service() or edge()", t.text)
	}
	if p.peek().kind != tOp {
		if kind == kGroup {
			return nil, errAt(t.pos, "%s needs = or != and a string, as in %s = \"my-group\"", t.text, t.text)
		}
		return c, nil
	}
	op := p.next()
	c.Op = op.text
	if kind != kAnnotation && !strings.Contains(" "+opsFor[kind]+" ", " "+op.text+" ") {
		return nil, errAt(op.pos, "operator %s does not apply to %s (want one of %s)", op.text, t.text, opsFor[kind])
	}
	vpos := p.peek().pos
	if op.text == "IN" {
		vs, err := p.list()
		if err != nil {
			return nil, err
		}
		c.Values = vs
	} else {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.Values = []Value{v}
	}
	return c, checkTypes(c, op, vpos)
}

// checkTypes makes sure the values suit the keyword and operator.
func checkTypes(c *Cmp, op token, vpos int) error {
	for _, v := range c.Values {
		want := map[keyKind]ValueKind{kBool: Bool, kNumber: Number, kString: String, kGroup: String}
		if w, ok := want[c.kind]; ok && v.Kind != w {
			return errAt(vpos, "%s compares with a %s, not %s", c.Key, kindName(w), v.String())
		}
		switch op.text {
		case "<", "<=", ">", ">=":
			if v.Kind != Number {
				return errAt(vpos, "operator %s needs a number, not %s", op.text, v.String())
			}
		case "CONTAINS", "BEGINSWITH", "ENDSWITH", "IN":
			if v.Kind != String {
				return errAt(vpos, "operator %s needs a string, not %s", op.text, v.String())
			}
		}
	}
	return nil
}

func kindName(k ValueKind) string {
	return [...]string{"string", "number", "boolean"}[k]
}

func (p *parser) value() (Value, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Value{Kind: String, Str: t.text}, nil
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return Value{}, errAt(t.pos, "bad number %q", t.text)
		}
		return Value{Kind: Number, Num: f}, nil
	case tIdent:
		switch t.text {
		case "true", "false":
			return Value{Kind: Bool, Bool: t.text == "true"}, nil
		}
	}
	return Value{}, errAt(t.pos, "expected a value (string, number, true or false), found %s", t.describe())
}

// list reads "[v, v, ...]" or "(v, v, ...)".
func (p *parser) list() ([]Value, error) {
	open := p.next()
	closer := tRBracket
	switch open.kind {
	case tLBracket:
	case tLParen:
		closer = tRParen
	default:
		return nil, errAt(open.pos, "IN needs a list such as [\"a\", \"b\"], found %s", open.describe())
	}
	var vs []Value
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		t := p.next()
		if t.kind == closer {
			return vs, nil
		}
		if t.kind != tComma {
			return nil, errAt(t.pos, "expected ',' or the end of the list, found %s", t.describe())
		}
	}
}
