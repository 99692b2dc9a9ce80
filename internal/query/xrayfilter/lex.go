package xrayfilter

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies tokens.
type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tOp // = != < <= > >=
	tNot
	tAnd
	tOr
	tLParen
	tRParen
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tComma
	tColon
)

var tokNames = map[tokKind]string{
	tEOF: "end of expression", tIdent: "keyword", tString: "string", tNumber: "number", tOp: "operator",
	tNot: "'!'", tAnd: "AND", tOr: "OR", tLParen: "'('", tRParen: "')'", tLBrace: "'{'", tRBrace: "'}'",
	tLBracket: "'['", tRBracket: "']'", tComma: "','", tColon: "':'",
}

type token struct {
	kind tokKind
	text string // identifier, decoded string, number text or operator
	pos  int    // byte offset in the expression
}

func (t token) describe() string {
	switch t.kind {
	case tIdent, tNumber, tOp:
		return fmt.Sprintf("%q", t.text)
	case tString:
		return fmt.Sprintf("string %q", t.text)
	}
	return tokNames[t.kind]
}

// lex splits an expression into tokens. Identifiers may contain letters,
// digits, '_', '.', '-' and ':' inside annotation keys written as
// annotation.KEY, so "annotation.my_key" and "http.url" are single tokens.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		r, w := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && w <= 1 {
			return nil, errAt(i, "invalid UTF-8")
		}
		start := i
		switch {
		case unicode.IsSpace(r):
			i += w
			continue
		case r == '"':
			s, n, err := lexString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tString, s, start})
			i = n
			continue
		case r == '-' || r == '+' || (r >= '0' && r <= '9') || (r == '.' && i+1 < len(src) && isDigit(src[i+1])):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || src[j] == '.' || src[j] == 'e' || src[j] == 'E' ||
				((src[j] == '-' || src[j] == '+') && (src[j-1] == 'e' || src[j-1] == 'E'))) {
				j++
			}
			toks = append(toks, token{tNumber, src[i:j], start})
			i = j
			continue
		case unicode.IsLetter(r) || r == '_':
			j := i + w
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '_' || r2 == '.') {
					break
				}
				j += w2
			}
			word := src[i:j]
			if word == "annotation" && j < len(src) && src[j] == '[' {
				end := strings.IndexByte(src[j:], ']')
				if end < 0 {
					return nil, errAt(j, "unterminated annotation[")
				}
				key := strings.TrimSpace(src[j+1 : j+end])
				if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
					key = key[1 : len(key)-1]
				}
				if key == "" {
					return nil, errAt(j, "empty annotation key")
				}
				toks = append(toks, token{tIdent, "annotation." + key, start})
				i = j + end + 1
				continue
			}
			switch strings.ToUpper(word) {
			case "AND":
				toks = append(toks, token{tAnd, word, start})
			case "OR":
				toks = append(toks, token{tOr, word, start})
			case "CONTAINS", "BEGINSWITH", "ENDSWITH", "IN":
				toks = append(toks, token{tOp, strings.ToUpper(word), start})
			default:
				toks = append(toks, token{tIdent, word, start})
			}
			i = j
			continue
		}
		two := ""
		if i+1 < len(src) {
			two = src[i : i+2]
		}
		switch two {
		case "&&":
			toks = append(toks, token{tAnd, two, start})
			i += 2
			continue
		case "||":
			toks = append(toks, token{tOr, two, start})
			i += 2
			continue
		case "!=", "<=", ">=":
			toks = append(toks, token{tOp, two, start})
			i += 2
			continue
		}
		kinds := map[rune]tokKind{'!': tNot, '(': tLParen, ')': tRParen, '{': tLBrace, '}': tRBrace,
			'[': tLBracket, ']': tRBracket, ',': tComma, ':': tColon}
		if k, ok := kinds[r]; ok {
			toks = append(toks, token{k, string(r), start})
		} else if r == '=' || r == '<' || r == '>' {
			toks = append(toks, token{tOp, string(r), start})
		} else {
			return nil, errAt(i, "unexpected character %q", r)
		}
		i += w
	}
	return append(toks, token{tEOF, "", len(src)}), nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// lexString reads a double-quoted string starting at src[i] with the
// escapes \" and \\; it returns the text and the offset after the quote.
func lexString(src string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; c {
		case '"':
			return b.String(), j + 1, nil
		case '\\':
			if j+1 < len(src) && (src[j+1] == '"' || src[j+1] == '\\') {
				b.WriteByte(src[j+1])
				j++
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errAt(i, "unterminated string")
}
