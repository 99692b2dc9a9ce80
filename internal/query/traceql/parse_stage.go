package traceql

import "strings"

// stage reads one pipeline stage.
func (p *parser) stage() (Stage, error) {
	t := p.peek()
	if t.is(tPunct, "{") {
		return p.spanset(0)
	}
	if t.kind != tWord {
		return nil, errorf(t.pos, "want a spanset or a function after |, got %s", t.describe())
	}
	p.next()
	if err := p.expect(tPunct, "("); err != nil {
		return nil, err
	}
	if aggregates[t.text] {
		return p.aggregate(t)
	}
	if _, ok := metricsArgs[t.text]; ok {
		return p.metrics(t)
	}
	if t.text == "select" {
		fs, err := p.fieldsClosed()
		return &Select{Pos: t.pos, Fields: fs}, err
	}
	// Another function: skip its arguments (balanced parentheses) and a
	// comparison after it, for Compile to refuse by name.
	for n := 1; n > 0; {
		a := p.next()
		switch {
		case a.kind == tEOF:
			return nil, errorf(a.pos, "%s( is not closed", t.text)
		case a.is(tPunct, "("):
			n++
		case a.is(tPunct, ")"):
			n--
		}
	}
	if o := p.peek(); o.kind == tOp && cmpOps[o.text] {
		p.next()
		if _, err := p.literal(); err != nil {
			return nil, err
		}
	}
	return &Func{Name: t.text, Pos: t.pos, Text: strings.TrimSpace(p.src[t.pos:p.peek().pos])}, nil
}

// aggregates are the pipeline functions that aggregate a spanset.
var aggregates = map[string]bool{"count": true, "avg": true, "min": true, "max": true, "sum": true}

// aggregate reads the rest of `count() > 2` or `avg(field) > 1s`, after
// the name and its parenthesis.
func (p *parser) aggregate(name token) (*Aggregate, error) {
	a := &Aggregate{Name: name.text, Pos: name.pos}
	if name.text != "count" {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		a.Field = &f
	}
	if err := p.expect(tPunct, ")"); err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind != tOp || !cmpOps[op.text] || op.text == "=~" || op.text == "!~" {
		return nil, errorf(op.pos, "want a comparison (=, !=, >, >=, <, <=) after %s(), got %s", name.text, op.describe())
	}
	a.Op = op.text
	v, err := p.literal()
	if err != nil {
		return nil, err
	}
	a.Value = v
	return a, nil
}

// fieldsClosed reads fields separated by commas, then ")".
func (p *parser) fieldsClosed() ([]Field, error) {
	var fs []Field
	for {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
		if !p.peek().is(tPunct, ",") {
			break
		}
		p.next()
	}
	return fs, p.expect(tPunct, ")")
}
