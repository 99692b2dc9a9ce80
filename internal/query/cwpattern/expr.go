package cwpattern

import (
	"regexp"
	"strconv"
	"strings"
)

// expr is a condition tree over selected values.
type expr interface {
	eval(lookup func(sel string) (value, bool)) bool
}

type andExpr struct{ l, r expr }
type orExpr struct{ l, r expr }

func (e andExpr) eval(f func(string) (value, bool)) bool { return e.l.eval(f) && e.r.eval(f) }
func (e orExpr) eval(f func(string) (value, bool)) bool  { return e.l.eval(f) || e.r.eval(f) }

// value is a selected value: its text and, when it reads as one, a number.
type value struct {
	text  string
	num   float64
	isNum bool
	null  bool
	isStr bool // a JSON string (or a field of a space-delimited line)
	bool_ int8 // 1 true, -1 false, 0 not a boolean
}

// cond is one comparison: sel op operand, or a test (IS NULL, ...).
type cond struct {
	sel  string
	test string // "" | "null" | "true" | "false" | "notexists" | "exists"
	op   string
	str  string         // operand text (string or number form)
	num  float64        // operand as a number when isNum
	num_ bool           // the operand is a plain number
	glob bool           // the operand has * wildcards
	re   *regexp.Regexp // %regex% operand
}

func (c cond) eval(lookup func(string) (value, bool)) bool {
	v, ok := lookup(c.sel)
	switch c.test {
	case "notexists":
		return !ok
	case "exists":
		return ok
	case "null":
		return ok && v.null
	case "true":
		return ok && v.bool_ == 1
	case "false":
		return ok && v.bool_ == -1
	}
	if !ok || v.null && c.op != "!=" {
		return false
	}
	switch c.op {
	case "=":
		return c.equal(v)
	case "!=":
		return !c.equal(v)
	}
	if !c.num_ || !v.isNum {
		return false
	}
	switch c.op {
	case "<":
		return v.num < c.num
	case "<=":
		return v.num <= c.num
	case ">":
		return v.num > c.num
	default: // ">="
		return v.num >= c.num
	}
}

func (c cond) equal(v value) bool {
	switch {
	case c.re != nil:
		return c.re.MatchString(v.text)
	case c.glob:
		return glob(c.str, v.text)
	case c.num_ && v.isNum:
		return v.num == c.num
	}
	return v.text == c.str
}

// glob matches s against a pattern where * stands for any run of bytes.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := len(parts) - 1
	for _, p := range parts[1:last] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[last]) && len(s) >= len(parts[last])
}

// parser reads conditions: expr := and {|| and}; and := unary {&& unary};
// unary := ( expr ) | selector (op operand | IS [NOT] NULL | IS TRUE |
// IS FALSE | NOT EXISTS | EXISTS).
type parser struct {
	toks []token
	i    int
	sel  func(token) (string, error) // validates a selector
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) parseOr() (expr, error) {
	l, err := p.parseAnd()
	for err == nil && p.peek().kind == tOr {
		p.next()
		var r expr
		if r, err = p.parseAnd(); err == nil {
			l = orExpr{l, r}
		}
	}
	return l, err
}

func (p *parser) parseAnd() (expr, error) {
	l, err := p.parseUnary()
	for err == nil && p.peek().kind == tAnd {
		p.next()
		var r expr
		if r, err = p.parseUnary(); err == nil {
			l = andExpr{l, r}
		}
	}
	return l, err
}

func (p *parser) parseUnary() (expr, error) {
	t := p.next()
	if t.kind == tLParen {
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if r := p.next(); r.kind != tRParen {
			return nil, errAt(r.pos, "expected ) , got %q", r.text)
		}
		return e, nil
	}
	if t.kind != tSelector {
		return nil, errAt(t.pos, "expected a selector, got %q", t.text)
	}
	sel, err := p.sel(t)
	if err != nil {
		return nil, err
	}
	c := cond{sel: sel}
	op := p.next()
	switch {
	case op.kind == tWord && strings.EqualFold(op.text, "IS"):
		w := p.next()
		switch strings.ToUpper(w.text) {
		case "NULL", "TRUE", "FALSE":
			c.test = strings.ToLower(w.text)
		default:
			return nil, errAt(w.pos, "expected NULL, TRUE or FALSE after IS")
		}
		return c, nil
	case op.kind == tWord && strings.EqualFold(op.text, "NOT"):
		if w := p.next(); !strings.EqualFold(w.text, "EXISTS") {
			return nil, errAt(w.pos, "expected EXISTS after NOT")
		}
		c.test = "notexists"
		return c, nil
	case op.kind == tWord && strings.EqualFold(op.text, "EXISTS"):
		c.test = "exists"
		return c, nil
	case op.kind != tOp:
		return nil, errAt(op.pos, "expected a comparison operator after %s", t.text)
	}
	c.op = op.text
	v := p.next()
	switch v.kind {
	case tString:
		c.str, c.glob = v.text, strings.Contains(v.text, "*")
	case tRegex:
		re, err := compileRegex(v.text, v.pos)
		if err != nil {
			return nil, err
		}
		c.re = re
	case tWord, tSelector:
		c.str, c.glob = v.text, strings.Contains(v.text, "*")
		if n, err := strconv.ParseFloat(v.text, 64); err == nil {
			c.num, c.num_ = n, true
		}
	default:
		return nil, errAt(v.pos, "expected a value after %s", op.text)
	}
	if c.op != "=" && c.op != "!=" && !c.num_ {
		return nil, errAt(v.pos, "%s needs a number, got %q", c.op, v.text)
	}
	if c.re != nil && c.op != "=" && c.op != "!=" {
		return nil, errAt(v.pos, "a regular expression takes = or !=")
	}
	return c, nil
}

// parseCond parses a whole condition string.
func parseCond(s string, off int, fieldNames bool, sel func(token) (string, error)) (expr, error) {
	toks, err := lex(s, off, fieldNames)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, sel: sel}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errAt(t.pos, "unexpected %q", t.text)
	}
	return e, nil
}

func parseNum(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
