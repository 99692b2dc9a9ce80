package cwpattern

import "strings"

// field is one element of a space-delimited pattern: a name with optional
// conditions, or the ellipsis (any number of fields).
type field struct {
	name     string
	ellipsis bool
	cond     expr // nil: any value
}

// parseDelimited parses `[name, name op value, ..., name = a || name = b]`.
// A field's conditions test that field only; consecutive ellipses fold.
func parseDelimited(s string, off int) ([]field, error) {
	if !strings.HasSuffix(s, "]") {
		return nil, errAt(off+len(s), "space-delimited pattern must end with ]")
	}
	body, base := s[1:len(s)-1], off+1
	var out []field
	for _, item := range splitTop(body) {
		text := strings.TrimSpace(body[item[0]:item[1]])
		pos := base + item[0] + strings.Index(body[item[0]:item[1]], text)
		if text == "..." {
			if len(out) == 0 || !out[len(out)-1].ellipsis {
				out = append(out, field{ellipsis: true})
			}
			continue
		}
		if text == "" {
			return nil, errAt(pos, "empty field")
		}
		name := text
		if i := strings.IndexAny(text, " =!<>|&%\"("); i >= 0 {
			name = text[:i]
		}
		if !isIdent(name) {
			return nil, errAt(pos, "field name %q: letters, digits and _ only", name)
		}
		f := field{name: name}
		if name != text {
			c, err := parseCond(text, pos, true, func(t token) (string, error) {
				if t.text != name {
					return "", errAt(t.pos, "condition on %q inside field %q", t.text, name)
				}
				return t.text, nil
			})
			if err != nil {
				return nil, err
			}
			f.cond = c
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, errAt(off, "space-delimited pattern without fields")
	}
	return out, nil
}

// splitTop splits at commas outside quotes, returning [start, end) ranges.
func splitTop(s string) [][2]int {
	var out [][2]int
	start, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inQuote {
				i++
			}
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				out = append(out, [2]int{start, i})
				start = i + 1
			}
		}
	}
	return append(out, [2]int{start, len(s)})
}

// splitFields splits a line on spaces; "quoted" and [bracketed] runs are
// one field each, without their delimiters.
func splitFields(msg string) []string {
	var out []string
	i := 0
	for i < len(msg) {
		if msg[i] == ' ' || msg[i] == '\t' {
			i++
			continue
		}
		var closer byte
		switch msg[i] {
		case '"':
			closer = '"'
		case '[':
			closer = ']'
		}
		if closer != 0 {
			if end := strings.IndexByte(msg[i+1:], closer); end >= 0 {
				out = append(out, msg[i+1:i+1+end])
				i += end + 2
				continue
			}
		}
		j := i
		for j < len(msg) && msg[j] != ' ' && msg[j] != '\t' {
			j++
		}
		out = append(out, msg[i:j])
		i = j
	}
	return out
}

// matchDelimited binds the pattern's fields to the line's fields in order
// (an ellipsis takes any number; without one the counts must be equal) and
// checks each field's condition. Failed (field, token) states are
// remembered, so ellipses cost O(fields × tokens).
func matchDelimited(fields []field, msg string) bool {
	toks := splitFields(strings.TrimSpace(msg))
	m := &matcher{fields: fields, toks: toks, failed: map[[2]int]bool{}}
	return m.bind(0, 0)
}

type matcher struct {
	fields []field
	toks   []string
	failed map[[2]int]bool
	at     []int // when set, the token each field took on the matching path
}

func (m *matcher) bind(fi, ti int) bool {
	if fi == len(m.fields) {
		return ti == len(m.toks)
	}
	key := [2]int{fi, ti}
	if m.failed[key] {
		return false
	}
	ok := m.try(fi, ti)
	if !ok {
		m.failed[key] = true
	}
	return ok
}

func (m *matcher) try(fi, ti int) bool {
	f := m.fields[fi]
	if f.ellipsis {
		for t := ti; t <= len(m.toks); t++ {
			if m.bind(fi+1, t) {
				return true
			}
		}
		return false
	}
	if ti == len(m.toks) {
		return false
	}
	if f.cond != nil {
		v := fieldValue(m.toks[ti])
		if !f.cond.eval(func(string) (value, bool) { return v, true }) {
			return false
		}
	}
	if m.at != nil {
		m.at[fi] = ti
	}
	return m.bind(fi+1, ti+1)
}

func fieldValue(t string) value {
	v := value{text: t, isStr: true}
	if n, err := parseNum(t); err == nil {
		v.num, v.isNum = n, true
	}
	return v
}
