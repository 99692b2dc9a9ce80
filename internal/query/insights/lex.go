package insights

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token.
type tokKind int

const (
	tEOF    tokKind = iota
	tIdent          // field names, keywords, function names (also `quoted`)
	tNumber         // 12, 1.5
	tString         // "..." or '...'
	tRegex          // /.../ (only where an operand is expected)
	tDur            // 5m, 30s, 1h: a number glued to a unit
	tOp             // punctuation and operators
)

// token is one lexical token; pos/end are byte offsets into the query.
type token struct {
	kind tokKind
	text string // identifier, operator, or the decoded literal
	pos  int
	end  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tString:
		return fmt.Sprintf("string %q", t.text)
	case tRegex:
		return fmt.Sprintf("regex /%s/", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// SyntaxError is a query that does not compile. Start and End are byte
// offsets of the offending part of the query (End exclusive).
type SyntaxError struct {
	Start, End int
	Msg        string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("insights: %s at %d-%d", e.Msg, e.Start, e.End)
}

func errAt(start, end int, format string, args ...any) *SyntaxError {
	if end <= start {
		end = start + 1
	}
	return &SyntaxError{Start: start, End: end, Msg: fmt.Sprintf(format, args...)}
}

// lexer produces tokens on demand, so the parser can ask for a regex where
// an operand starts and for division elsewhere.
type lexer struct {
	src string
	off int
}

func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '#': // comment to the end of the line
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.off++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.off++
		default:
			return
		}
	}
}

// next scans the token at the current offset. With regex set, a '/'
// starts a regex literal.
func (l *lexer) next(regex bool) (token, error) {
	l.skipSpace()
	start := l.off
	if start >= len(l.src) {
		return token{kind: tEOF, pos: start, end: start}, nil
	}
	c := l.src[start]
	switch {
	case c == '"' || c == '\'':
		return l.quoted(c, tString)
	case c == '`':
		return l.quoted(c, tIdent)
	case c == '/' && regex:
		return l.regex()
	case c >= '0' && c <= '9' || c == '.' && start+1 < len(l.src) && isDigit(l.src[start+1]):
		return l.number(), nil
	case isIdentStart(c):
		for l.off < len(l.src) && isIdentPart(l.src[l.off]) {
			l.off++
		}
		return token{kind: tIdent, text: l.src[start:l.off], pos: start, end: l.off}, nil
	}
	for _, op := range []string{"=~", "!=", "<=", ">=", "==", "=", "<", ">", "(", ")", ",", "|", "[", "]", "+", "-", "*", "/", "%", "^"} {
		if strings.HasPrefix(l.src[start:], op) {
			l.off += len(op)
			return token{kind: tOp, text: op, pos: start, end: l.off}, nil
		}
	}
	r, size := utf8.DecodeRuneInString(l.src[start:])
	return token{}, errAt(start, start+size, "unexpected character %q", r)
}

func (l *lexer) quoted(q byte, kind tokKind) (token, error) {
	start := l.off
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch {
		case c == '\\' && i+1 < len(l.src) && q != '`':
			i++
			switch e := l.src[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		case c == q:
			l.off = i + 1
			return token{kind: kind, text: b.String(), pos: start, end: l.off}, nil
		default:
			b.WriteByte(c)
		}
	}
	return token{}, errAt(start, len(l.src), "unterminated %c quote", q)
}

func (l *lexer) regex() (token, error) {
	start := l.off
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		c := l.src[i]
		if c == '\\' && i+1 < len(l.src) && l.src[i+1] == '/' {
			b.WriteByte('/')
			i++
			continue
		}
		if c == '/' {
			l.off = i + 1
			return token{kind: tRegex, text: b.String(), pos: start, end: l.off}, nil
		}
		b.WriteByte(c)
	}
	return token{}, errAt(start, len(l.src), "unterminated regex")
}

// number scans digits with an optional fraction and exponent; letters
// glued to it make a duration such as 5m or 1h.
func (l *lexer) number() token {
	start := l.off
	for l.off < len(l.src) && (isDigit(l.src[l.off]) || l.src[l.off] == '.') {
		l.off++
	}
	if l.off < len(l.src) && (l.src[l.off] == 'e' || l.src[l.off] == 'E') && l.off+1 < len(l.src) &&
		(isDigit(l.src[l.off+1]) || (l.src[l.off+1] == '-' || l.src[l.off+1] == '+') && l.off+2 < len(l.src) && isDigit(l.src[l.off+2])) {
		l.off += 2
		for l.off < len(l.src) && isDigit(l.src[l.off]) {
			l.off++
		}
		return token{kind: tNumber, text: l.src[start:l.off], pos: start, end: l.off}
	}
	if l.off < len(l.src) && unicode.IsLetter(rune(l.src[l.off])) {
		for l.off < len(l.src) && isIdentPart(l.src[l.off]) {
			l.off++
		}
		return token{kind: tDur, text: l.src[start:l.off], pos: start, end: l.off}
	}
	return token{kind: tNumber, text: l.src[start:l.off], pos: start, end: l.off}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '@' || c == '_' || c == '$' || unicode.IsLetter(rune(c)) || c >= 0x80
}
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '.' }
