// Package insights parses and evaluates a subset of the CloudWatch Logs
// Insights query language (fields, display, filter, parse, stats, sort,
// limit) over log events. A Query is compiled once by Parse; each run is a
// Run fed events one at a time, so callers stream events from any store.
package insights

import (
	"regexp"
	"strconv"
	"strings"
)

// MaxLimit is the largest row cap a query may ask for, by its limit
// command or StartQuery's limit: 100,000 as the service documents (its
// published model still says 10,000).
const MaxLimit = 100_000

// Query is a compiled query. It is immutable and safe for concurrent use.
type Query struct {
	pre     []stage   // per-event stages before stats
	stats   *statsCmd // nil: rows are events
	post    []stage   // per-row stages after stats
	sort    []sortKey // applied to the final rows
	limit   int       // 0: the caller's default
	columns []string  // fields named by fields commands, in order
	display []string  // display: the final column set
}

// Parse compiles src. A query that does not compile gives a *SyntaxError
// naming the offending byte range.
func Parse(src string) (*Query, error) {
	p := &parser{lx: lexer{src: src}}
	q := &Query{}
	for {
		t, err := p.peek(false)
		if err != nil {
			return nil, err
		}
		if t.kind == tEOF {
			if len(q.pre)+len(q.post) == 0 && q.stats == nil && q.sort == nil && q.limit == 0 && q.display == nil {
				return nil, errAt(0, len(src), "the query is empty")
			}
			return q, nil
		}
		if err := p.command(q); err != nil {
			return nil, err
		}
		t, err = p.peek(false)
		if err != nil {
			return nil, err
		}
		if t.kind != tEOF {
			if t.kind != tOp || t.text != "|" {
				return nil, errAt(t.pos, t.end, "expected | or the end of the query, found %s", t)
			}
			p.advance()
		}
	}
}

func (p *parser) command(q *Query) error {
	t, err := p.peek(false)
	if err != nil {
		return err
	}
	if t.kind != tIdent {
		return errAt(t.pos, t.end, "expected a command, found %s", t)
	}
	p.advance()
	addStage := func(s stage) {
		if q.stats != nil {
			q.post = append(q.post, s)
		} else {
			q.pre = append(q.pre, s)
		}
	}
	switch strings.ToLower(t.text) {
	case "fields":
		items, err := p.namedList()
		if err != nil {
			return err
		}
		for _, it := range items {
			q.columns = appendNew(q.columns, it.name)
		}
		addStage(&fieldsCmd{items})
	case "display":
		items, err := p.namedList()
		if err != nil {
			return err
		}
		q.display = q.display[:0]
		for _, it := range items {
			q.display = appendNew(q.display, it.name)
		}
		addStage(&fieldsCmd{items})
	case "filter":
		cond, err := p.expr()
		if err != nil {
			return err
		}
		addStage(&filterCmd{cond})
	case "parse":
		c, err := p.parseCmd()
		if err != nil {
			return err
		}
		addStage(c)
	case "stats":
		if q.stats != nil {
			return errAt(t.pos, t.end, "only one stats command is supported")
		}
		if q.sort != nil || q.limit != 0 {
			return errAt(t.pos, t.end, "sort and limit must come after stats")
		}
		if q.stats, err = p.stats(); err != nil {
			return err
		}
		q.columns, q.display = nil, nil
	case "sort":
		keys, err := p.sortKeys()
		if err != nil {
			return err
		}
		q.sort = keys
	case "limit":
		n, err := p.peek(false)
		if err != nil {
			return err
		}
		v, perr := strconv.Atoi(n.text)
		if n.kind != tNumber || perr != nil || v < 1 || v > MaxLimit {
			return errAt(n.pos, n.end, "limit takes a whole number from 1 to %d", MaxLimit)
		}
		p.advance()
		q.limit = v
	default:
		return errAt(t.pos, t.end, "unknown or unsupported command %q", t.text)
	}
	return nil
}

func appendNew(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// namedList parses `expr [as name], ...`.
func (p *parser) namedList() ([]namedExpr, error) {
	var out []namedExpr
	for {
		t, err := p.peek(true)
		if err != nil {
			return nil, err
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		name, err := p.alias(t.pos, e)
		if err != nil {
			return nil, err
		}
		out = append(out, namedExpr{name: name, e: e})
		if ok, err := p.accept(","); err != nil || !ok {
			return out, err
		}
	}
}

// alias reads `as name`, or names the expression after its source text.
func (p *parser) alias(start int, e expr) (string, error) {
	end := p.lx.off
	if p.have {
		end = p.tok.pos
	}
	ok, err := p.accept("as")
	if err != nil || !ok {
		if f, isField := e.(*fieldRef); isField {
			return f.name, err
		}
		return strings.TrimSpace(p.lx.src[start:end]), err
	}
	t, err := p.peek(false)
	if err != nil {
		return "", err
	}
	if t.kind != tIdent {
		return "", errAt(t.pos, t.end, "expected a name after as, found %s", t)
	}
	p.advance()
	return t.text, nil
}

// parseCmd parses `parse <field> "glob*" as a, b` or `parse <field> /(?<a>re)/`.
func (p *parser) parseCmd() (*parseCmd, error) {
	src, err := p.primary()
	if err != nil {
		return nil, err
	}
	t, err := p.peek(true)
	if err != nil {
		return nil, err
	}
	p.advance()
	switch t.kind {
	case tRegex:
		re, err := compileRegex(t)
		if err != nil {
			return nil, err
		}
		names := re.SubexpNames()[1:]
		named := false
		for _, n := range names {
			named = named || n != ""
		}
		if !named {
			return nil, errAt(t.pos, t.end, "a parse regex needs named groups (?<name>...)")
		}
		return &parseCmd{src: src, re: re, names: names}, nil
	case tString:
		stars := strings.Count(t.text, "*")
		if stars == 0 {
			return nil, errAt(t.pos, t.end, "a parse pattern needs at least one *")
		}
		if _, err := p.expect("as"); err != nil {
			return nil, err
		}
		var names []string
		for {
			n, err := p.peek(false)
			if err != nil {
				return nil, err
			}
			if n.kind != tIdent {
				return nil, errAt(n.pos, n.end, "expected a field name, found %s", n)
			}
			p.advance()
			names = append(names, n.text)
			if ok, err := p.accept(","); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				break
			}
		}
		if len(names) != stars {
			return nil, errAt(t.pos, p.lx.off, "the pattern has %d * but %d names follow as", stars, len(names))
		}
		re, err := globRegex(t.text)
		if err != nil {
			return nil, errAt(t.pos, t.end, "bad parse pattern: %v", err)
		}
		return &parseCmd{src: src, re: re, names: names}, nil
	}
	return nil, errAt(t.pos, t.end, "expected a \"glob*\" pattern or /regex/, found %s", t)
}

// globRegex turns a parse glob into a regex: literal text, each * a
// lazy capture, a trailing * greedy to the end.
func globRegex(glob string) (*regexp.Regexp, error) {
	parts := strings.Split(glob, "*")
	var b strings.Builder
	b.WriteString("(?s)")
	for i, part := range parts {
		if i > 0 {
			if i == len(parts)-1 && part == "" {
				b.WriteString("(.*)")
			} else {
				b.WriteString("(.*?)")
			}
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	return regexp.Compile(b.String())
}

func (p *parser) sortKeys() ([]sortKey, error) {
	var keys []sortKey
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		k := sortKey{e: e}
		if ok, err := p.accept("desc"); err != nil {
			return nil, err
		} else if ok {
			k.desc = true
		} else if _, err := p.accept("asc"); err != nil {
			return nil, err
		}
		keys = append(keys, k)
		if ok, err := p.accept(","); err != nil || !ok {
			return keys, err
		}
	}
}
