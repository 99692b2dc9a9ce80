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
		for i := range v {
			x, err := e.expandValue(v[i], want)
			if err != nil {
				return nil, err
			}
			v[i] = x
		}
		return v, nil
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
