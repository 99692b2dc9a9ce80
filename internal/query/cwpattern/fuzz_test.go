package cwpattern

import (
	"strings"
	"testing"
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
func holds(p *Prefilter, msg string) bool {
	if p == nil {
		return true
	}
	switch p.Op {
	case PreAnd, PreOr:
		for _, c := range p.Children {
			if h := holds(c, msg); h == (p.Op == PreOr) {
				return h
			}
		}
		return p.Op == PreAnd
	case PreContains:
		return strings.Contains(msg, p.Text)
	case PreNotContains:
		return !strings.Contains(msg, p.Text)
	}
	return true
}
