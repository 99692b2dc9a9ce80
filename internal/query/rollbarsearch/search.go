// Package rollbarsearch parses the q= search of Rollbar's items list (the
// search box of Rollbar's Items page) into the conditions of a
// store.ItemQuery, so that the store filters, not the caller.
//
// Supported: free words and "quoted phrases" (each contained in the item's
// title, ignoring case), title:word, and the filters level:, status:,
// environment:, framework: and platform:, each taking a value or a
// comma-separated list (any of them). Repeating a filter widens it (any of
// its values); different filters and words narrow (all of them). A
// key:value whose key is another of Rollbar's search keys (host:,
// assigned:, first_seen:, …) or a negated filter (-level:debug) is refused
// with an error naming it, rather than read as words that match nothing.
package rollbarsearch

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Search is a parsed q: what each filter allows (empty: anything) and the
// words every title contains.
type Search struct {
	Words        []string
	Levels       []model.Level
	Statuses     []model.ItemStatus
	Environments []string
	Frameworks   []string
	Platforms    []string
}

// Error is a q that cannot be parsed, with what was wrong.
type Error struct{ Msg string }

func (e *Error) Error() string { return "q: " + e.Msg }

// Supported lists the filter keys, in the order errors name them.
var Supported = []string{"title", "level", "status", "environment", "framework", "platform"}

// unsupported are search keys of Rollbar's that this package does not
// serve.
var unsupported = []string{"assigned", "host", "first_seen", "last_seen", "is", "id", "item", "counter",
	"person", "code_version", "context", "hash", "occurrences", "timestamp", "uuid", "user", "team",
	"activated", "resolved_in_version", "browser", "os", "request", "server", "language", "notifier", "deploy"}

// MaxLen bounds q, in bytes.
const MaxLen = 4096

// Parse reads q.
func Parse(q string) (Search, error) {
	var s Search
	if len(q) > MaxLen {
		return s, &Error{fmt.Sprintf("longer than %d bytes", MaxLen)}
	}
	toks, err := tokens(q)
	if err != nil {
		return s, err
	}
	for _, t := range toks {
		if err := s.add(t); err != nil {
			return Search{}, err
		}
	}
	return s, nil
}

// token is one term: a word or phrase, or key:value when key is set.
type token struct {
	key, value string
	raw        string // the term as written, without its quotes
	negated    bool
}

// tokens splits q on white space outside double quotes; a term whose
// leading part up to its first colon is a key (letters and underscores) is
// key:value.
func tokens(q string) ([]token, error) {
	var out []token
	var cur strings.Builder
	quoted, any := false, false
	flush := func() {
		if any {
			out = append(out, term(cur.String()))
		}
		cur.Reset()
		any = false
	}
	for _, r := range q {
		switch {
		case r == '"':
			quoted, any = !quoted, true
			cur.WriteRune(r)
		case unicode.IsSpace(r) && !quoted:
			flush()
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if quoted {
		return nil, &Error{"a double quote is not closed"}
	}
	flush()
	return out, nil
}

func term(raw string) token {
	neg := strings.HasPrefix(raw, "-")
	body := strings.TrimPrefix(raw, "-")
	if k, v, ok := strings.Cut(body, ":"); ok && isKey(k) {
		return token{key: strings.ToLower(k), value: unquote(v), raw: unquote(raw), negated: neg}
	}
	return token{value: unquote(raw), raw: unquote(raw)}
}

func isKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r != '_' && (r > unicode.MaxASCII || !unicode.IsLetter(r)) {
			return false
		}
	}
	return true
}

// unquote drops the double quotes of a term ("a b" and a"b"c alike).
func unquote(s string) string { return strings.ReplaceAll(s, `"`, "") }

func (s *Search) add(t token) error {
	known := slices.Contains(Supported, t.key)
	switch {
	case t.key == "":
		if w := strings.TrimSpace(t.value); w != "" {
			s.Words = append(s.Words, w)
		}
		return nil
	case !known && slices.Contains(unsupported, t.key):
		return &Error{fmt.Sprintf("%s: is not supported here; supported: %s and words of the title", t.key, strings.Join(Supported, ", "))}
	case !known:
		// Not a search key: words with a colon, as in "KeyError: user".
		return s.add(token{value: t.raw})
	case t.negated:
		return &Error{fmt.Sprintf("-%s: negated filters are not supported", t.key)}
	}
	vals := splitList(t.value)
	if len(vals) == 0 {
		return &Error{fmt.Sprintf("%s: wants a value", t.key)}
	}
	for _, v := range vals {
		if err := s.filter(t.key, v); err != nil {
			return &Error{fmt.Sprintf("%s: %v", t.key, err)}
		}
	}
	return nil
}

func (s *Search) filter(key, v string) error {
	switch key {
	case "title":
		s.Words = append(s.Words, v)
	case "level":
		l, err := model.ParseLevel(v)
		if err != nil {
			return err
		}
		s.Levels = appendNew(s.Levels, l)
	case "status":
		st, err := model.ParseItemStatus(v)
		if err != nil {
			return err
		}
		s.Statuses = appendNew(s.Statuses, st)
	case "environment":
		s.Environments = appendNew(s.Environments, v)
	case "framework":
		s.Frameworks = appendNew(s.Frameworks, v)
	case "platform":
		s.Platforms = appendNew(s.Platforms, v)
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func appendNew[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Narrow adds s's conditions to q, which may hold filters of its own (the
// list's level=, status=, environment= parameters): a filter both give
// keeps the values both allow. It reports false when that leaves a filter
// nothing, so that no item can match.
func (s Search) Narrow(q *store.ItemQuery) bool {
	ok := true
	q.Levels, ok = intersect(q.Levels, s.Levels, ok)
	q.Statuses, ok = intersect(q.Statuses, s.Statuses, ok)
	q.Environments, ok = intersect(q.Environments, s.Environments, ok)
	q.Frameworks, ok = intersect(q.Frameworks, s.Frameworks, ok)
	q.Platforms, ok = intersect(q.Platforms, s.Platforms, ok)
	q.TitleContains = append(q.TitleContains, s.Words...)
	return ok
}

// intersect combines two filters (empty: anything); ok turns false when
// both are set and share nothing.
func intersect[T comparable](a, b []T, ok bool) ([]T, bool) {
	switch {
	case len(b) == 0:
		return a, ok
	case len(a) == 0:
		return b, ok
	}
	var out []T
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out, ok && len(out) > 0
}
