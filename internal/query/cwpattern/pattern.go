// Package cwpattern parses and evaluates CloudWatch Logs filter patterns
// (FilterLogEvents, metric and subscription filters): term patterns
// (`ERROR -Retry`, `"Connection refused"`, `?ERROR ?WARN`, `%regex%`), JSON
// patterns (`{ $.status >= 500 && $.path = "/pay*" }`) and space-delimited
// patterns (`[ip, user, ..., status = 5*, bytes > 1000]`).
//
// Patterns are evaluated in Go over event messages. Required lists what the
// store can filter on before (case-sensitive substrings every match
// contains). When the shared query model (internal/query) takes filter
// expressions, a term pattern compiles to a disjunction of conjunctions of
// contains/not-contains/regex conditions on the body, a JSON pattern to
// conditions on JSON paths of the body, and a space-delimited one stays a
// Go predicate (a residual filter) — the structure here maps one to one.
package cwpattern

import (
	"fmt"
	"strings"
)

// Kind tells which of the pattern languages a pattern is written in.
type Kind int

const (
	KindAll            Kind = iota // empty pattern: every event
	KindTerms                      // unstructured terms
	KindJSON                       // { JSON selector conditions }
	KindSpaceDelimited             // [ field, ... ]
)

// Pattern is a parsed filter pattern; it is immutable and safe for
// concurrent use.
type Pattern struct {
	src    string
	kind   Kind
	terms  termPattern
	json   expr
	fields []field
}

// Error is a syntax error; Pos is the byte offset in the pattern.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid filter pattern at offset %d: %s", e.Pos, e.Msg)
}

func errAt(pos int, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// MaxLen is the longest pattern the service accepts.
const MaxLen = 1024

// Parse parses a filter pattern. The empty (or blank) pattern matches every
// event.
func Parse(src string) (*Pattern, error) {
	if len(src) > MaxLen {
		return nil, errAt(MaxLen, "pattern longer than %d characters", MaxLen)
	}
	p := &Pattern{src: src}
	s := strings.TrimSpace(src)
	off := strings.Index(src, s)
	var err error
	switch {
	case s == "":
		p.kind = KindAll
	case s[0] == '{':
		p.kind = KindJSON
		p.json, err = parseJSONPattern(s, off)
	case s[0] == '[':
		p.kind = KindSpaceDelimited
		p.fields, err = parseDelimited(s, off)
	default:
		p.kind = KindTerms
		p.terms, err = parseTerms(s, off)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Kind reports the pattern's language.
func (p *Pattern) Kind() Kind { return p.kind }

// String returns the pattern as given.
func (p *Pattern) String() string { return p.src }

// Match reports whether an event with this message matches.
func (p *Pattern) Match(msg string) bool {
	switch p.kind {
	case KindTerms:
		return p.terms.match(msg)
	case KindJSON:
		return matchJSON(p.json, msg)
	case KindSpaceDelimited:
		return matchDelimited(p.fields, msg)
	}
	return true
}

// Required returns substrings that every matching message contains
// (case-sensitive), for a store to filter on before Match runs; nil when
// there are none to tell.
func (p *Pattern) Required() []string {
	if p.kind != KindTerms || len(p.terms.groups) != 1 {
		return nil
	}
	var out []string
	for _, t := range p.terms.groups[0] {
		if !t.exclude && t.re == nil {
			out = append(out, t.text)
		}
	}
	return out
}
