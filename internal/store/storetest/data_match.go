package storetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"
)

// How a step's "want" is matched against the store's answer, both as
// decoded JSON (the answer is marshalled first, so a Go struct is an
// object of its field names):
//
//   - An object matches an object that has every key of want, matching;
//     keys the answer has and want leaves out must hold a zero value (0,
//     "", false, null, empty, the zero time). So want lists exactly the
//     fields that are set. {} matches only {} (or null): a typed value
//     {"s": ""} is not the empty value {}.
//   - An array matches an array of the same length, element by element.
//     {"<unordered>": [...]} matches the elements in any order.
//   - Numbers compare exactly; strings that are both RFC 3339 times compare
//     as instants; null matches any zero value.
//   - "<any>" matches anything; "<set>" any non-zero value; "<now>" a time
//     within the case's run.
//   - "?name" matches anything and captures it for later "$name" macros
//     (data_expand.go); in a want, "$name" matches what the captured value
//     matches, and "$$x" the string "$x".
//
// A step's "pluck": "Field" (or ["F1", "F2"]) first replaces each element of
// an array answer (or the answer itself) by that field (or the list of
// those fields), for short order checks.

type matcher struct {
	vars       map[string]any // captured by earlier steps
	bound      map[string]any // captured by this match
	start, now time.Time
	errs       []string
}

func (m *matcher) failf(path, format string, args ...any) {
	if path == "" {
		path = "answer"
	}
	m.errs = append(m.errs, path+": "+fmt.Sprintf(format, args...))
}

func (m *matcher) match(path string, want, got any) {
	if got == nil && isZero(want) {
		return // an absent or null field is a zero one
	}
	switch w := want.(type) {
	case string:
		m.matchString(path, w, got)
	case map[string]any:
		if elems, ok := w["<unordered>"]; ok && len(w) == 1 {
			m.matchUnordered(path, elems, got)
			return
		}
		g, ok := got.(map[string]any)
		if !ok {
			m.failf(path, "got %s, want an object", compact(got))
			return
		}
		if len(w) == 0 && len(g) > 0 {
			m.failf(path, "got %s, want {}", compact(got))
			return
		}
		// Fields that capture go first, so that the others may refer to
		// what they capture.
		keys := slices.SortedFunc(maps.Keys(w), func(a, b string) int {
			if ca, cb := capturesIn(w[a]), capturesIn(w[b]); ca != cb {
				if ca {
					return -1
				}
				return 1
			}
			return strings.Compare(a, b)
		})
		for _, k := range keys {
			gv, present := g[k]
			if !present && w[k] != "<any>" {
				m.failf(path+"."+k, "missing, want %s", compact(w[k]))
				continue
			}
			m.match(path+"."+k, w[k], gv)
		}
		for _, k := range slices.Sorted(maps.Keys(g)) {
			if _, listed := w[k]; !listed && !isZero(g[k]) {
				m.failf(path+"."+k, "got %s, want it unset", compact(g[k]))
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok && !(len(w) == 0 && isZero(got)) {
			m.failf(path, "got %s, want an array of %d", compact(got), len(w))
			return
		}
		if len(g) != len(w) {
			m.failf(path, "got %d elements, want %d:\n   got %s\n  want %s", len(g), len(w), compact(got), compact(want))
			return
		}
		for i := range w {
			m.match(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || !sameNumber(w, g) {
			m.failf(path, "got %s, want %s", compact(got), w)
		}
	case nil:
		if !isZero(got) {
			m.failf(path, "got %s, want it unset", compact(got))
		}
	default: // bool
		if got != want && !(want == false && got == nil) {
			m.failf(path, "got %s, want %v", compact(got), want)
		}
	}
}

func (m *matcher) matchString(path, w string, got any) {
	switch {
	case w == "<any>":
		return
	case w == "<set>":
		if isZero(got) {
			m.failf(path, "unset, want it set")
		}
		return
	case w == "<now>":
		g, _ := got.(string)
		at, err := time.Parse(time.RFC3339Nano, g)
		if err != nil || at.Before(m.start.Add(-time.Second)) || at.After(m.now.Add(time.Second)) {
			m.failf(path, "got %s, want a time within the case's run (%s .. %s)", compact(got),
				m.start.Format(time.RFC3339Nano), m.now.Format(time.RFC3339Nano))
		}
		return
	case strings.HasPrefix(w, "$$"):
		w = w[1:]
	case strings.HasPrefix(w, "$") && len(w) > 1:
		v, ok := m.bound[w[1:]]
		if !ok {
			v, ok = m.vars[w[1:]]
		}
		if !ok {
			m.failf(path, "%q is not captured (by a \"?%s\" before)", w, w[1:])
			return
		}
		m.match(path, v, got)
		return
	case strings.HasPrefix(w, "?") && len(w) > 1:
		name := w[1:]
		if _, dup := m.vars[name]; dup {
			m.failf(path, "%q captures a name already captured", w)
			return
		}
		if _, dup := m.bound[name]; dup {
			m.failf(path, "%q captures a name already captured", w)
			return
		}
		m.bound[name] = got
		return
	}
	g, ok := got.(string)
	if !ok {
		if w == "" && isZero(got) {
			return
		}
		m.failf(path, "got %s, want %q", compact(got), w)
		return
	}
	if g == w {
		return
	}
	tw, errW := time.Parse(time.RFC3339Nano, w)
	tg, errG := time.Parse(time.RFC3339Nano, g)
	if errW == nil && errG == nil && tw.Equal(tg) {
		return
	}
	m.failf(path, "got %q, want %q", g, w)
}

// matchUnordered pairs every wanted element with a distinct answer element.
func (m *matcher) matchUnordered(path string, want, got any) {
	w, ok := want.([]any)
	if !ok {
		m.failf(path, "<unordered> needs an array")
		return
	}
	g, _ := got.([]any)
	if len(g) != len(w) {
		m.failf(path, "got %d elements, want %d (in any order):\n   got %s\n  want %s", len(g), len(w), compact(got), compact(want))
		return
	}
	used := make([]bool, len(g))
	for i, we := range w {
		found := false
		for j, ge := range g {
			if used[j] {
				continue
			}
			try := &matcher{vars: m.vars, bound: maps.Clone(m.bound), start: m.start, now: m.now}
			try.match("", we, ge)
			if len(try.errs) == 0 {
				used[j], found, m.bound = true, true, try.bound
				break
			}
		}
		if !found {
			m.failf(fmt.Sprintf("%s[%d]", path, i), "no element of the answer matches %s; got %s", compact(we), compact(got))
		}
	}
}

// capturesIn reports whether a want holds a "?name" capture.
func capturesIn(want any) bool {
	switch w := want.(type) {
	case string:
		return strings.HasPrefix(w, "?") && len(w) > 1
	case []any:
		return slices.ContainsFunc(w, capturesIn)
	case map[string]any:
		for _, v := range w {
			if capturesIn(v) {
				return true
			}
		}
	}
	return false
}

func sameNumber(a, b json.Number) bool {
	x, okX := new(big.Rat).SetString(a.String())
	y, okY := new(big.Rat).SetString(b.String())
	return okX && okY && x.Cmp(y) == 0
}

// isZero reports whether a decoded JSON value is the encoding of a Go zero
// value (an object is zero when every field is).
func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == "" || v == "0001-01-01T00:00:00Z"
	case json.Number:
		return sameNumber(v, "0")
	case []any:
		return len(v) == 0
	case map[string]any:
		for _, x := range v {
			if !isZero(x) {
				return false
			}
		}
		return true
	}
	return false
}

// pluck applies a step's "pluck" to the answer. A field may be a path
// ("Items.Counter") that maps over the arrays it meets.
func pluck(got any, spec json.RawMessage) (any, error) {
	var fields []string
	var one string
	if err := json.Unmarshal(spec, &one); err == nil {
		fields = []string{one}
	} else if err := json.Unmarshal(spec, &fields); err != nil || len(fields) == 0 {
		return nil, fmt.Errorf("want a field name or a list of them, got %s", spec)
	}
	pick := func(v any) (any, error) {
		if len(fields) == 1 {
			return walk(v, strings.Split(fields[0], "."))
		}
		out := make([]any, len(fields))
		for i, f := range fields {
			x, err := walk(v, strings.Split(f, "."))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	list, ok := got.([]any)
	if !ok {
		if got == nil {
			return []any{}, nil // an empty list marshals as null
		}
		return pick(got)
	}
	out := make([]any, len(list))
	for i, v := range list {
		p, err := pick(v)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// walk follows a field path into v, mapping over arrays.
func walk(v any, path []string) (any, error) {
	if len(path) == 0 {
		return v, nil
	}
	switch v := v.(type) {
	case map[string]any:
		return walk(v[path[0]], path[1:])
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			y, err := walk(x, path)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("%s has no field %q", compact(v), path[0])
}

// compact renders a decoded value for a failure message.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func joinLines(s []string) string { return strings.Join(s, "\n  ") }
