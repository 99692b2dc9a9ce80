package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Macros a data file may write as a whole JSON string, in "in" and "want":
//
//	"$name"          the value a "?name" captured (data_match.go): in "in",
//	                 by an earlier step; in "want", also earlier in the same
//	                 answer
//	"ns:T0+1.5s"     T0 plus a Go duration, in Unix nanoseconds (a number)
//	"ms:T0-1h"       the same in Unix milliseconds
//	"time:T0+2m"     the same as an RFC 3339 time string
//	"$$x"            the literal string "$x"
//
// In an array, the element {"<repeat>": n, "each": v} stands for n copies
// of v in which "{i}" is replaced by 0 .. n-1 and "{i:x}" by the same in
// two hex digits, in every string (generated data without a generator).
//
// Object keys of the form "$name" are replaced by the captured value too,
// so that answers keyed by a store-assigned id can be written.

var timeMacro = regexp.MustCompile(`^(ns|ms|time):T0([+-][0-9.a-zµ]+)?$`)

// expandString resolves one macro; ok is false for a plain string. In a
// want, "$name" and "$$x" are left to the matcher.
func (e *env) expandString(s string, want bool) (v any, ok bool, err error) {
	if want && strings.HasPrefix(s, "$") {
		return nil, false, nil
	}
	if strings.HasPrefix(s, "$$") {
		return s[1:], true, nil
	}
	if name, found := strings.CutPrefix(s, "$"); found && name != "" {
		v, bound := e.vars[name]
		if !bound {
			return nil, false, fmt.Errorf("%q is not captured (by a \"?%s\" in an earlier want)", s, name)
		}
		return v, true, nil
	}
	m := timeMacro.FindStringSubmatch(s)
	if m == nil {
		return nil, false, nil
	}
	at := T0
	if m[2] != "" {
		d, err := time.ParseDuration(m[2])
		if err != nil {
			return nil, false, fmt.Errorf("%q: %w", s, err)
		}
		at = at.Add(d)
	}
	switch m[1] {
	case "ns":
		return json.Number(strconv.FormatInt(at.UnixNano(), 10)), true, nil
	case "ms":
		return json.Number(strconv.FormatInt(at.UnixMilli(), 10)), true, nil
	}
	return at.Format(time.RFC3339Nano), true, nil
}

// expand resolves every macro of raw; want says raw is a step's want.
func (e *env) expand(raw json.RawMessage, want bool) (json.RawMessage, error) {
	var v any
	if err := decodeNumbers(raw, &v); err != nil {
		return nil, err
	}
	v, err := e.expandValue(v, want)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func (e *env) expandValue(v any, want bool) (any, error) {
	switch v := v.(type) {
	case string:
		x, ok, err := e.expandString(v, want)
		if err != nil || !ok {
			return v, err
		}
		return x, nil
	case []any:
		var out []any
		for _, elem := range v {
			copies, err := repeat(elem)
			if err != nil {
				return nil, err
			}
			for _, c := range copies {
				x, err := e.expandValue(c, want)
				if err != nil {
					return nil, err
				}
				out = append(out, x)
			}
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			x, err := e.expandValue(x, want)
			if err != nil {
				return nil, err
			}
			key, err := e.expandKey(k)
			if err != nil {
				return nil, err
			}
			out[key] = x
		}
		return out, nil
	}
	return v, nil
}

// expandKey renders a "$name" key as the captured value's text.
func (e *env) expandKey(k string) (string, error) {
	if !strings.HasPrefix(k, "$") || strings.HasPrefix(k, "$$") {
		return strings.TrimPrefix(k, "$"), nil
	}
	v, ok, err := e.expandString(k, false)
	if err != nil || !ok {
		return k, err
	}
	switch v := v.(type) {
	case json.Number:
		return v.String(), nil
	case string:
		return v, nil
	}
	return "", fmt.Errorf("key %q: captured value %v is neither a number nor a string", k, v)
}

// decodeNumbers decodes JSON keeping numbers exact (json.Number).
func decodeNumbers(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

// repeat expands a {"<repeat>": n, "each": v} element; any other element
// stands for itself.
func repeat(elem any) ([]any, error) {
	m, ok := elem.(map[string]any)
	if !ok {
		return []any{elem}, nil
	}
	n, ok := m["<repeat>"]
	if !ok {
		return []any{elem}, nil
	}
	each, ok := m["each"]
	num, isNum := n.(json.Number)
	count, err := strconv.Atoi(string(num))
	if !ok || len(m) != 2 || !isNum || err != nil || count < 0 {
		return nil, fmt.Errorf("<repeat> wants {\"<repeat>\": n, \"each\": value}, got %s", compact(elem))
	}
	out := make([]any, count)
	for i := range count {
		r := strings.NewReplacer("{i}", strconv.Itoa(i), "{i:x}", fmt.Sprintf("%02x", i))
		out[i] = substitute(each, r)
	}
	return out, nil
}

// substitute applies r to every string of v, returning a copy.
func substitute(v any, r *strings.Replacer) any {
	switch v := v.(type) {
	case string:
		return r.Replace(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = substitute(x, r)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = substitute(x, r)
		}
		return out
	}
	return v
}
