package insights

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// parser is a recursive-descent parser over the lexer with one token of
// lookahead.
type parser struct {
	lx     lexer
	tok    token
	have   bool
	regexp bool // the mode tok was scanned in
}

// peek returns the next token; regex tells whether a '/' there starts a
// regex literal (operand position) or is division.
func (p *parser) peek(regex bool) (token, error) {
	if p.have && (p.regexp == regex || p.tok.kind == tEOF || p.lx.src[p.tok.pos] != '/') {
		return p.tok, nil
	}
	if p.have {
		p.lx.off = p.tok.pos
	}
	t, err := p.lx.next(regex)
	if err != nil {
		return token{}, err
	}
	p.tok, p.have, p.regexp = t, true, regex
	return t, nil
}

func (p *parser) advance() { p.have = false }

// accept consumes the next token if it is the operator or keyword s
// (keywords case-insensitive).
func (p *parser) accept(s string) (bool, error) {
	t, err := p.peek(false)
	if err != nil {
		return false, err
	}
	if (t.kind == tOp && t.text == s) || (t.kind == tIdent && strings.EqualFold(t.text, s) && p.lx.src[t.pos] != '`') {
		p.advance()
		return true, nil
	}
	return false, nil
}

func (p *parser) expect(s string) (token, error) {
	t, err := p.peek(false)
	if err != nil {
		return t, err
	}
	if ok, _ := p.accept(s); !ok {
		return t, errAt(t.pos, t.end, "expected %q, found %s", s, t)
	}
	return t, nil
}

// expression: or > and > not > comparison > additive > multiplicative > unary > primary.
func (p *parser) expr() (expr, error) { return p.or() }

func (p *parser) or() (expr, error) {
	l, err := p.and()
	for err == nil {
		var ok bool
		if ok, err = p.accept("or"); !ok || err != nil {
			break
		}
		var r expr
		if r, err = p.and(); err == nil {
			l = &binary{op: "or", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) and() (expr, error) {
	l, err := p.not()
	for err == nil {
		var ok bool
		if ok, err = p.accept("and"); !ok || err != nil {
			break
		}
		var r expr
		if r, err = p.not(); err == nil {
			l = &binary{op: "and", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) not() (expr, error) {
	if ok, err := p.accept("not"); err != nil || ok {
		if err != nil {
			return nil, err
		}
		x, err := p.not()
		return &unary{op: "not", x: x}, err
	}
	return p.comparison()
}

func (p *parser) comparison() (expr, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	t, err := p.peek(false)
	if err != nil {
		return nil, err
	}
	neg := false
	if t.kind == tIdent && strings.EqualFold(t.text, "not") {
		p.advance()
		neg = true
		if t, err = p.peek(false); err != nil {
			return nil, err
		}
		if !(t.kind == tIdent && (strings.EqualFold(t.text, "like") || strings.EqualFold(t.text, "in"))) {
			return nil, errAt(t.pos, t.end, "expected like or in after not, found %s", t)
		}
	}
	switch {
	case t.kind == tOp && (t.text == "=~"):
		p.advance()
		return p.match(l, false, true)
	case t.kind == tIdent && strings.EqualFold(t.text, "like"):
		p.advance()
		return p.match(l, neg, false)
	case t.kind == tIdent && strings.EqualFold(t.text, "in"):
		p.advance()
		return p.in(l, neg)
	case t.kind == tOp:
		switch t.text {
		case "=", "==", "!=", "<", "<=", ">", ">=":
			p.advance()
			r, err := p.additive()
			op := t.text
			if op == "==" {
				op = "="
			}
			return &binary{op: op, l: l, r: r}, err
		}
	}
	return l, nil
}

func (p *parser) match(x expr, neg, regexOnly bool) (expr, error) {
	t, err := p.peek(true)
	if err != nil {
		return nil, err
	}
	p.advance()
	switch {
	case t.kind == tRegex:
		re, err := compileRegex(t)
		return &matchExpr{x: x, re: re, neg: neg}, err
	case t.kind == tString && regexOnly:
		re, err := compileRegex(t) // =~ "re" takes the string as a regex
		return &matchExpr{x: x, re: re, neg: neg}, err
	case t.kind == tString:
		return &matchExpr{x: x, sub: t.text, neg: neg}, nil
	}
	return nil, errAt(t.pos, t.end, "expected a string or /regex/, found %s", t)
}

func compileRegex(t token) (*regexp.Regexp, error) {
	re, err := regexp.Compile(t.text)
	if err != nil {
		return nil, errAt(t.pos, t.end, "bad regex: %v", err)
	}
	return re, nil
}

func (p *parser) in(x expr, neg bool) (expr, error) {
	if _, err := p.expect("["); err != nil {
		return nil, err
	}
	var list []expr
	for {
		e, err := p.additive()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if ok, err := p.accept(","); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			break
		}
	}
	_, err := p.expect("]")
	return &inExpr{x: x, list: list, neg: neg}, err
}

func (p *parser) additive() (expr, error) {
	l, err := p.multiplicative()
	for err == nil {
		var t token
		if t, err = p.peek(false); err != nil || t.kind != tOp || (t.text != "+" && t.text != "-") {
			break
		}
		p.advance()
		var r expr
		if r, err = p.multiplicative(); err == nil {
			l = &binary{op: t.text, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) multiplicative() (expr, error) {
	l, err := p.unaryExpr()
	for err == nil {
		var t token
		if t, err = p.peek(false); err != nil || t.kind != tOp || !strings.Contains("*/%^", t.text) {
			break
		}
		p.advance()
		var r expr
		if r, err = p.unaryExpr(); err == nil {
			l = &binary{op: t.text, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) unaryExpr() (expr, error) {
	if ok, err := p.accept("-"); err != nil || ok {
		if err != nil {
			return nil, err
		}
		x, err := p.unaryExpr()
		return &unary{op: "-", x: x}, err
	}
	return p.primary()
}

func (p *parser) primary() (expr, error) {
	t, err := p.peek(true)
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tNumber:
		p.advance()
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errAt(t.pos, t.end, "bad number %q", t.text)
		}
		return &literal{num(f)}, nil
	case tString:
		p.advance()
		return &literal{str(t.text)}, nil
	case tRegex:
		p.advance()
		re, err := compileRegex(t)
		return &regexLit{src: t.text, re: re}, err
	case tDur:
		p.advance()
		ms, ok := durationMillis(t.text)
		if !ok {
			return nil, errAt(t.pos, t.end, "bad duration %q", t.text)
		}
		return &literal{num(ms)}, nil
	case tIdent:
		p.advance()
		if p.lx.src[t.pos] != '`' {
			if nt, err := p.peek(false); err == nil && nt.kind == tOp && nt.text == "(" {
				return p.call(t)
			}
			switch strings.ToLower(t.text) {
			case "true":
				return &literal{boolean(true)}, nil
			case "false":
				return &literal{boolean(false)}, nil
			}
		}
		return &fieldRef{name: t.text}, nil
	case tOp:
		if t.text == "(" {
			p.advance()
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			_, err = p.expect(")")
			return e, err
		}
	}
	return nil, errAt(t.pos, t.end, "unexpected %s", t)
}

// args parses a parenthesised argument list after the function name.
func (p *parser) args() ([]expr, error) {
	if _, err := p.expect("("); err != nil {
		return nil, err
	}
	var args []expr
	if ok, err := p.accept(")"); err != nil || ok {
		return nil, err
	}
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
		if ok, err := p.accept(","); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			_, err := p.expect(")")
			return args, err
		}
	}
}

func (p *parser) call(name token) (expr, error) {
	fn, ok := functions[strings.ToLower(name.text)]
	if !ok {
		if isAggregate(name.text) {
			return nil, errAt(name.pos, name.end, "%s is an aggregate function, allowed only in stats", name.text)
		}
		return nil, errAt(name.pos, name.end, "unknown function %q", name.text)
	}
	args, err := p.args()
	if err != nil {
		return nil, err
	}
	if len(args) < fn.min || (fn.max >= 0 && len(args) > fn.max) {
		return nil, errAt(name.pos, p.lx.off, "%s takes %s arguments, got %d", name.text, fn.arity(), len(args))
	}
	return &call{name: strings.ToLower(name.text), args: args, fn: fn.eval}, nil
}

// durationMillis reads 5m, 30s, 1h, 1d, 1w, 100ms (and long unit names).
func durationMillis(s string) (float64, bool) {
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	var unit float64
	switch strings.ToLower(s[i:]) {
	case "ms", "msec", "millisecond", "milliseconds":
		unit = 1
	case "s", "sec", "secs", "second", "seconds":
		unit = 1e3
	case "m", "min", "mins", "minute", "minutes":
		unit = 60e3
	case "h", "hr", "hrs", "hour", "hours":
		unit = 3600e3
	case "d", "day", "days":
		unit = 86400e3
	case "w", "week", "weeks":
		unit = 7 * 86400e3
	default:
		return 0, false
	}
	return n * unit, true
}
