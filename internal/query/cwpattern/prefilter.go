package cwpattern

import (
	"strconv"
	"strings"
)

// PrefilterOp is the operation of a Prefilter node.
type PrefilterOp int

const (
	PreAnd         PrefilterOp = iota // every child holds
	PreOr                             // some child holds
	PreContains                       // the message contains Text (case-sensitive)
	PreNotContains                    // the message does not contain Text
	// PreJSONString: the message is a JSON document whose value at Path,
	// read as a string (JSON strings unescaped, true/false as words), is
	// Text. Messages that are not valid JSON but contain '{' must pass.
	PreJSONString
	// PreJSONNumber: as PreJSONString, but the value read as a number
	// (a JSON number or a numeric string) is Num; a string a store cannot
	// read as a decimal number (hexadecimal "0x...") must pass.
	PreJSONNumber
)

// Prefilter is a condition every message that matches the pattern
// satisfies, in a form a store can evaluate before Match runs: an And/Or
// tree over substring and JSON-path tests. It may let through messages that
// do not match (Match decides); for term patterns without %regex% it is exact.
type Prefilter struct {
	Op       PrefilterOp
	Children []*Prefilter // PreAnd, PreOr
	Text     string       // substring, or the expected string value
	Path     []PathElem   // PreJSONString, PreJSONNumber
	Num      float64      // PreJSONNumber
}

// PathElem is a step of a JSON path: an object key, or an array index when
// Index >= 0.
type PathElem struct {
	Key   string
	Index int
}

// Prefilter returns the pattern's prefilter, or nil when the pattern gives
// the store nothing to test (every message may match).
func (p *Pattern) Prefilter() *Prefilter {
	switch p.kind {
	case KindTerms:
		return p.terms.prefilter()
	case KindJSON:
		return jsonPrefilter(p.json)
	}
	return nil
}

func (p termPattern) prefilter() *Prefilter {
	or := &Prefilter{Op: PreOr}
	for _, g := range p.groups {
		and := &Prefilter{Op: PreAnd}
		for _, t := range g {
			switch {
			case t.re != nil: // left to Match: DuckDB's RE2 dialect is not Go's
			case t.exclude:
				and.Children = append(and.Children, &Prefilter{Op: PreNotContains, Text: t.text})
			default:
				and.Children = append(and.Children, &Prefilter{Op: PreContains, Text: t.text})
			}
		}
		if len(and.Children) == 0 {
			return nil // this alternative only has regexes: anything may match
		}
		or.Children = append(or.Children, simplify(and))
	}
	return simplify(or)
}

// jsonPrefilter translates equality tests; any other condition gives nil
// (no constraint), which makes an enclosing || give nil too.
func jsonPrefilter(e expr) *Prefilter {
	switch e := e.(type) {
	case andExpr:
		l, r := jsonPrefilter(e.l), jsonPrefilter(e.r)
		switch {
		case l == nil:
			return r
		case r == nil:
			return l
		}
		return &Prefilter{Op: PreAnd, Children: []*Prefilter{l, r}}
	case orExpr:
		l, r := jsonPrefilter(e.l), jsonPrefilter(e.r)
		if l == nil || r == nil {
			return nil
		}
		return &Prefilter{Op: PreOr, Children: []*Prefilter{l, r}}
	case cond:
		if e.test != "" || e.op != "=" || e.glob || e.re != nil {
			return nil
		}
		path, err := parsePath(e.sel, 0)
		if err != nil {
			return nil
		}
		out := make([]PathElem, len(path))
		for i, el := range path {
			out[i] = PathElem{Key: el.key, Index: el.index}
		}
		if e.num_ {
			return &Prefilter{Op: PreJSONNumber, Path: out, Num: e.num}
		}
		if _, err := strconv.ParseFloat(e.str, 64); err == nil || e.str == "" || strings.ContainsRune(e.str, 0) {
			// A numeric-looking string compares with the number's source
			// text, which a store's JSON reader may render differently.
			return nil
		}
		return &Prefilter{Op: PreJSONString, Path: out, Text: e.str}
	}
	return nil
}

// simplify replaces a one-child And/Or by its child.
func simplify(p *Prefilter) *Prefilter {
	if (p.Op == PreAnd || p.Op == PreOr) && len(p.Children) == 1 {
		return p.Children[0]
	}
	return p
}
