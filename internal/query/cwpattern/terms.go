package cwpattern

import (
	"regexp"
	"strings"
)

// termPattern is a disjunction of groups; a group matches when each of its
// terms does. A term prefixed with ? starts a new group, so `?ERROR ?WARN`
// is ERROR or WARN, and `?ERROR Main ?WARN Deadlock` is (ERROR and Main) or
// (WARN and Deadlock). Terms without ? before the first ? form the first
// group.
type termPattern struct {
	groups [][]term
}

// term is a case-sensitive substring (or a %regex%), possibly excluded (-).
type term struct {
	text    string
	re      *regexp.Regexp
	exclude bool
}

func (t term) match(msg string) bool {
	var in bool
	if t.re != nil {
		in = t.re.MatchString(msg)
	} else {
		in = strings.Contains(msg, t.text)
	}
	return in != t.exclude
}

func (p termPattern) match(msg string) bool {
	for _, g := range p.groups {
		ok := true
		for _, t := range g {
			if !t.match(msg) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func parseTerms(s string, off int) (termPattern, error) {
	var p termPattern
	var cur []term
	i := 0
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' {
			i++
			continue
		}
		start := i
		or := false
		if s[i] == '?' {
			or = true
			i++
		}
		var t term
		if i < len(s) && s[i] == '-' {
			t.exclude = true
			i++
		}
		if i >= len(s) || isSpace(s[i]) {
			return p, errAt(off+start, "operator without a term")
		}
		switch s[i] {
		case '"':
			text, n, err := quoted(s, i, off)
			if err != nil {
				return p, err
			}
			t.text, i = text, n
		case '%':
			end := strings.IndexByte(s[i+1:], '%')
			if end < 0 {
				return p, errAt(off+i, "unterminated %%regex%%")
			}
			re, err := compileRegex(s[i+1:i+1+end], off+i)
			if err != nil {
				return p, err
			}
			t.re, i = re, i+end+2
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && s[j] != '"' {
				j++
			}
			t.text, i = s[i:j], j
		}
		if t.text == "" && t.re == nil {
			return p, errAt(off+start, "empty term")
		}
		if or && len(cur) > 0 {
			p.groups = append(p.groups, cur)
			cur = nil
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		p.groups = append(p.groups, cur)
	}
	return p, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// quoted reads a double-quoted string starting at s[i] ('"'); \" and \\
// are escapes. It returns the text and the index after the closing quote.
func quoted(s string, i, off int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
				b.WriteByte(s[j+1])
				j++
				continue
			}
			b.WriteByte('\\')
		case '"':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, errAt(off+i, "unterminated quoted string")
}

// compileRegex compiles a %regex% body. RE2 has no lookaround or
// backreferences, which the service does not support either.
func compileRegex(body string, pos int) (*regexp.Regexp, error) {
	if body == "" {
		return nil, errAt(pos, "empty regular expression")
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, errAt(pos, "regular expression: %v", err)
	}
	return re, nil
}
