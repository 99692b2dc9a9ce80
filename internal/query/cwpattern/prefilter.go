package cwpattern

import (
	"strconv"
	"strings"

	"lookout/internal/query"
)

// Prefilter returns the pattern's prefilter, or nil when the pattern gives
// the store nothing to test (every message may match).
func (p *Pattern) Prefilter() *query.TextMatch {
	switch p.kind {
	case KindTerms:
		return p.terms.prefilter()
	case KindJSON:
		return jsonPrefilter(p.json)
	}
	return nil
}

func (p termPattern) prefilter() *query.TextMatch {
	or := &query.TextMatch{Op: query.MatchOr}
	for _, g := range p.groups {
		and := &query.TextMatch{Op: query.MatchAnd}
		for _, t := range g {
			switch {
			case t.re != nil: // left to Match: DuckDB's RE2 dialect is not Go's
			case t.exclude:
				and.Children = append(and.Children, &query.TextMatch{Op: query.MatchNotContains, Text: t.text})
			default:
				and.Children = append(and.Children, &query.TextMatch{Op: query.MatchContains, Text: t.text})
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
func jsonPrefilter(e expr) *query.TextMatch {
	switch e := e.(type) {
	case andExpr:
		l, r := jsonPrefilter(e.l), jsonPrefilter(e.r)
		switch {
		case l == nil:
			return r
		case r == nil:
			return l
		}
		return &query.TextMatch{Op: query.MatchAnd, Children: []*query.TextMatch{l, r}}
	case orExpr:
		l, r := jsonPrefilter(e.l), jsonPrefilter(e.r)
		if l == nil || r == nil {
			return nil
		}
		return &query.TextMatch{Op: query.MatchOr, Children: []*query.TextMatch{l, r}}
	case cond:
		if e.test != "" || e.op != "=" || e.glob || e.re != nil {
			return nil
		}
		path, err := parsePath(e.sel, 0)
		if err != nil {
			return nil
		}
		out := make([]query.PathStep, len(path))
		for i, el := range path {
			out[i] = query.PathStep{Key: el.key, Index: el.index}
		}
		if e.num_ {
			return &query.TextMatch{Op: query.MatchJSONNumber, Path: out, Num: e.num}
		}
		if _, err := strconv.ParseFloat(e.str, 64); err == nil || e.str == "" || strings.ContainsRune(e.str, 0) {
			// A numeric-looking string compares with the number's source
			// text, which a store's JSON reader may render differently.
			return nil
		}
		return &query.TextMatch{Op: query.MatchJSONString, Path: out, Text: e.str}
	}
	return nil
}

// simplify replaces a one-child And/Or by its child.
func simplify(p *query.TextMatch) *query.TextMatch {
	if (p.Op == query.MatchAnd || p.Op == query.MatchOr) && len(p.Children) == 1 {
		return p.Children[0]
	}
	return p
}
