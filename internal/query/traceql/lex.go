package traceql

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tEOF       tokKind = iota
	tPunct             // { } ( ) , |
	tOp                // && || ! = != > >= < <= =~ !~ and the structural and arithmetic operators
	tString            // a quoted string, unquoted in text
	tInt               // 42
	tFloat             // 1.5
	tDuration          // 100ms
	tWord              // a bare word: name, status, true, error, count, select, ...
	tAttr              // an attribute: scope ("" for .key) and name
	tIntrinsic         // a scoped intrinsic: scope:name
)

type token struct {
	kind tokKind
	pos  int
	text string // the token as written; a string's content
	// scope and name of tAttr and tIntrinsic.
	scope, name string
	num         Value // tInt, tFloat, tDuration
}

// operators, longest first, so that the lexer takes the longest match.
var operators = []string{
	"!>>", "!<<", "&>>", "&<<",
	"&&", "||", "!=", "!~", ">=", "<=", "=~", ">>", "<<", "!>", "!<", "&>", "&<", "&~",
	"=", "!", ">", "<", "~", "+", "-", "*", "/", "%", "^",
}

// attrScopes are the words that start an attribute name (scope.name);
// intrinsicScopes those that start a scoped intrinsic (scope:name).
var (
	attrScopes      = map[string]bool{"span": true, "resource": true, "event": true, "link": true, "instrumentation": true, "parent": true}
	intrinsicScopes = map[string]bool{"span": true, "trace": true, "event": true, "link": true, "instrumentation": true}
)

// isNameEnd reports whether c ends a bare attribute name.
func isNameEnd(c byte) bool {
	return strings.IndexByte(" \t\r\n{}()=~!<>&|^,\"`", c) >= 0
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex splits a query into tokens, ending with tEOF.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; ; {
		for i < len(src) && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tEOF, pos: i}), nil
		}
		t, next, err := lexOne(src, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i = next
	}
}

// lexOne reads the token at i and returns it with the offset after it.
func lexOne(src string, i int) (token, int, error) {
	c := src[i]
	switch {
	case c == '"' || c == '`':
		s, n, err := lexString(src, i)
		return token{kind: tString, pos: i, text: s}, n, err
	case isDigit(c):
		return lexNumber(src, i)
	case c == '.' && i+1 < len(src) && (src[i+1] == '"' || !isNameEnd(src[i+1])):
		name, n, err := lexName(src, i+1)
		if err != nil {
			return token{}, 0, err
		}
		return token{kind: tAttr, pos: i, text: src[i:n], name: name}, n, nil
	case isWordByte(c):
		j := i
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		word := src[i:j]
		if j+1 < len(src) && src[j] == '.' && attrScopes[word] {
			name, n, err := lexName(src, j+1)
			if err != nil {
				return token{}, 0, err
			}
			return token{kind: tAttr, pos: i, text: src[i:n], scope: word, name: name}, n, nil
		}
		if j+1 < len(src) && src[j] == ':' && intrinsicScopes[word] && isWordByte(src[j+1]) {
			k := j + 1
			for k < len(src) && isWordByte(src[k]) {
				k++
			}
			return token{kind: tIntrinsic, pos: i, text: src[i:k], scope: word, name: src[j+1 : k]}, k, nil
		}
		if j < len(src) && (src[j] == '.' || src[j] == ':') {
			return token{}, 0, errorf(i, "%q is not a scope: write span.%s, resource.%s or .%s for an attribute", word, word, word, word)
		}
		return token{kind: tWord, pos: i, text: word}, j, nil
	case strings.IndexByte("{}(),", c) >= 0:
		return token{kind: tPunct, pos: i, text: src[i : i+1]}, i + 1, nil
	}
	for _, op := range operators {
		if strings.HasPrefix(src[i:], op) {
			return token{kind: tOp, pos: i, text: op}, i + len(op), nil
		}
	}
	if c == '|' {
		return token{kind: tPunct, pos: i, text: "|"}, i + 1, nil
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return token{}, 0, errorf(i, "unexpected %q", r)
}

// lexString reads a string quoted with " (Go escapes) or ` (raw).
func lexString(src string, i int) (string, int, error) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if q == '"' {
				j++
			}
		case '\n':
			if q == '"' {
				return "", 0, errorf(i, "string not closed before the end of the line")
			}
		case q:
			if q == '`' {
				return src[i+1 : j], j + 1, nil
			}
			s, err := strconv.Unquote(src[i : j+1])
			if err != nil {
				return "", 0, errorf(i, "string %s: bad escape", src[i:j+1])
			}
			return s, j + 1, nil
		}
	}
	return "", 0, errorf(i, "string not closed")
}

// lexName reads an attribute name: quoted, or bare up to a delimiter.
func lexName(src string, i int) (string, int, error) {
	if i < len(src) && (src[i] == '"' || src[i] == '`') {
		return lexString(src, i)
	}
	j := i
	for j < len(src) && !isNameEnd(src[j]) {
		j++
	}
	if j == i {
		return "", 0, errorf(i, "attribute name missing")
	}
	return src[i:j], j, nil
}

// lexNumber reads an integer, a decimal number or a duration (a number
// followed by a unit: 100ms, 1.5s, 1h30m, 10µs).
func lexNumber(src string, i int) (token, int, error) {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	isFloat := false
	if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
		isFloat = true
		for j++; j < len(src) && isDigit(src[j]); j++ {
		}
	}
	k := j
	for k < len(src) {
		r, n := utf8.DecodeRuneInString(src[k:])
		if !(r >= 'a' && r <= 'z' || r == 'µ' || r == 'μ' || isDigit(src[k]) || src[k] == '.') {
			break
		}
		k += n
	}
	text := src[i:k]
	if k > j {
		d, err := time.ParseDuration(text)
		if err != nil {
			return token{}, 0, errorf(i, "%q is not a number or a duration such as 100ms", text)
		}
		return token{kind: tDuration, pos: i, text: text, num: Value{Kind: KindDuration, Dur: d}}, k, nil
	}
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return token{}, 0, errorf(i, "%q: %v", text, err)
		}
		return token{kind: tFloat, pos: i, text: text, num: Value{Kind: KindFloat, Float: f}}, k, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return token{}, 0, errorf(i, "%q does not fit a 64-bit integer", text)
	}
	return token{kind: tInt, pos: i, text: text, num: Value{Kind: KindInt, Int: n}}, k, nil
}
