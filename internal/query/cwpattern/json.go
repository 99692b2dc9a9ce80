package cwpattern

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// parseJSONPattern parses `{ conditions }` whose selectors are $-paths:
// $.key, $.a.b, $.items[0].sku. Wildcard selectors ($.*, [*]) are refused.
func parseJSONPattern(s string, off int) (expr, error) {
	if !strings.HasSuffix(s, "}") {
		return nil, errAt(off+len(s), "JSON pattern must end with }")
	}
	return parseCond(s[1:len(s)-1], off+1, false, func(t token) (string, error) {
		if _, err := parsePath(t.text, t.pos); err != nil {
			return "", err
		}
		return t.text, nil
	})
}

// pathElem is a key or, when index >= 0, an array index.
type pathElem struct {
	key   string
	index int
}

func parsePath(sel string, pos int) ([]pathElem, error) {
	if !strings.HasPrefix(sel, "$") {
		return nil, errAt(pos, "selector %q must start with $", sel)
	}
	var out []pathElem
	s := sel[1:]
	for s != "" {
		switch s[0] {
		case '.':
			j := 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			key := s[1:j]
			if key == "" || key == "*" {
				return nil, errAt(pos, "selector %q: empty or wildcard key", sel)
			}
			out, s = append(out, pathElem{key: key, index: -1}), s[j:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, errAt(pos, "selector %q: unterminated [", sel)
			}
			n, err := strconv.Atoi(s[1:end])
			if err != nil || n < 0 {
				return nil, errAt(pos, "selector %q: arrays take a non-negative index, not %q", sel, s[1:end])
			}
			out, s = append(out, pathElem{index: n}), s[end+1:]
		default:
			return nil, errAt(pos, "selector %q: expected . or [", sel)
		}
	}
	if len(out) == 0 {
		return nil, errAt(pos, "selector %q selects nothing", sel)
	}
	return out, nil
}

// matchJSON evaluates e over the message parsed as a JSON object; other
// messages never match.
func matchJSON(e expr, msg string) bool {
	s := strings.TrimSpace(msg)
	if !strings.HasPrefix(s, "{") {
		return false
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var doc any
	if d.Decode(&doc) != nil {
		return false
	}
	return e.eval(func(sel string) (value, bool) {
		path, _ := parsePath(sel, 0) // validated at parse time
		return jsonLookup(doc, path)
	})
}

func jsonLookup(doc any, path []pathElem) (value, bool) {
	cur := doc
	for _, el := range path {
		if el.index >= 0 {
			arr, ok := cur.([]any)
			if !ok || el.index >= len(arr) {
				return value{}, false
			}
			cur = arr[el.index]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return value{}, false
		}
		if cur, ok = obj[el.key]; !ok {
			return value{}, false
		}
	}
	switch v := cur.(type) {
	case nil:
		return value{null: true, text: "null"}, true
	case string:
		out := value{text: v, isStr: true}
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			out.num, out.isNum = n, true
		}
		return out, true
	case json.Number:
		n, err := v.Float64()
		return value{text: v.String(), num: n, isNum: err == nil}, true
	case bool:
		if v {
			return value{text: "true", bool_: 1}, true
		}
		return value{text: "false", bool_: -1}, true
	}
	return value{text: ""}, true // object or array: exists, equals nothing
}
