package cwpattern

import "strings"

// The conditions of JSON and space-delimited patterns share one lexer.
type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tAnd
	tOr
	tOp       // = != < <= > >=
	tSelector // $.a.b[0] or a field name
	tString   // "quoted"
	tRegex    // %re%
	tWord     // anything else: numbers, globs (5*, 10.0.*), bare strings, keywords
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// lex splits a condition string; off is its offset in the whole pattern.
// fieldNames makes plain identifiers selectors (space-delimited patterns).
func lex(s string, off int, fieldNames bool) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		pos := off + i
		switch {
		case isSpace(c):
			i++
		case c == '(':
			out, i = append(out, token{tLParen, "(", pos}), i+1
		case c == ')':
			out, i = append(out, token{tRParen, ")", pos}), i+1
		case strings.HasPrefix(s[i:], "&&"):
			out, i = append(out, token{tAnd, "&&", pos}), i+2
		case strings.HasPrefix(s[i:], "||"):
			out, i = append(out, token{tOr, "||", pos}), i+2
		case strings.HasPrefix(s[i:], "!=") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">="):
			out, i = append(out, token{tOp, s[i : i+2], pos}), i+2
		case c == '=' || c == '<' || c == '>':
			out, i = append(out, token{tOp, s[i : i+1], pos}), i+1
		case c == '"':
			text, n, err := quoted(s, i, off)
			if err != nil {
				return nil, err
			}
			out, i = append(out, token{tString, text, pos}), n
		case c == '%':
			end := strings.IndexByte(s[i+1:], '%')
			if end < 0 {
				return nil, errAt(pos, "unterminated %%regex%%")
			}
			out, i = append(out, token{tRegex, s[i+1 : i+1+end], pos}), i+end+2
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && !strings.ContainsRune("()&|=!<>\"", rune(s[j])) {
				j++
			}
			if j == i {
				return nil, errAt(pos, "unexpected %q", s[i])
			}
			w := s[i:j]
			kind := tWord
			if w[0] == '$' || fieldNames && isIdent(w) && !isKeyword(w) {
				kind = tSelector
			}
			out, i = append(out, token{kind, w, pos}), j
		}
	}
	return append(out, token{tEOF, "", off + len(s)}), nil
}

func isIdent(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return w != ""
}

func isKeyword(w string) bool {
	switch strings.ToUpper(w) {
	case "IS", "NOT", "NULL", "EXISTS", "TRUE", "FALSE":
		return true
	}
	return false
}
