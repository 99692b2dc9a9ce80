package cwpattern

import (
	"strings"
	"testing"

	"lookout/internal/query"
)

// FuzzParse checks that no pattern makes Parse or Match panic, that a
// parsed pattern evaluates on any message, and that a message it matches
// passes its prefilter's substring tests.
func FuzzParse(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.pattern, c.msg)
	}
	f.Fuzz(func(t *testing.T, src, msg string) {
		p, err := Parse(src)
		if err != nil {
			return
		}
		m := p.Match(msg)
		p.Required()
		if m && !holds(p.Prefilter(), msg) {
			t.Fatalf("%q matches %q but fails its prefilter %s", msg, src, show(p.Prefilter()))
		}
	})
}

// holds evaluates a prefilter's substring tests (JSON tests count as true).
func holds(p *query.TextMatch, msg string) bool {
	if p == nil {
		return true
	}
	switch p.Op {
	case query.MatchAnd, query.MatchOr:
		for _, c := range p.Children {
			if h := holds(c, msg); h == (p.Op == query.MatchOr) {
				return h
			}
		}
		return p.Op == query.MatchAnd
	case query.MatchContains:
		return strings.Contains(msg, p.Text)
	case query.MatchNotContains:
		return !strings.Contains(msg, p.Text)
	}
	return true
}
