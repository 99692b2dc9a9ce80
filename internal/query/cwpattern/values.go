package cwpattern

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Values matches msg and, when it matches, returns the values the pattern
// names, as TestMetricFilter's extractedValues show them: a JSON pattern's
// selectors ("$.status": "500"), a space-delimited pattern's named fields
// ("$status": "500"); none for term patterns.
func (p *Pattern) Values(msg string) (map[string]string, bool) {
	out := map[string]string{}
	switch p.kind {
	case KindJSON:
		doc, ok := jsonDoc(msg)
		if !ok || !p.json.eval(func(sel string) (value, bool) { return lookupSel(doc, sel) }) {
			return nil, false
		}
		for _, sel := range selectors(p.json, nil) {
			if v, ok := lookupSel(doc, sel); ok {
				out[sel] = v.text
			}
		}
	case KindSpaceDelimited:
		bound, ok := bindDelimited(p.fields, msg)
		if !ok {
			return nil, false
		}
		for name, tok := range bound {
			out["$"+name] = tok
		}
	default:
		if !p.Match(msg) {
			return nil, false
		}
	}
	return out, true
}

// Value returns what a metric filter's metricValue or dimension reference
// ($.path in a JSON message, $field of a space-delimited pattern) reads in
// a message the pattern matches.
func (p *Pattern) Value(msg, ref string) (string, bool) {
	switch {
	case p.kind == KindSpaceDelimited && !strings.HasPrefix(ref, "$."):
		bound, ok := bindDelimited(p.fields, msg)
		if !ok {
			return "", false
		}
		v, ok := bound[strings.TrimPrefix(ref, "$")]
		return v, ok
	case strings.HasPrefix(ref, "$."):
		doc, ok := jsonDoc(msg)
		if !ok {
			return "", false
		}
		if v, ok := lookupSel(doc, ref); ok && !v.null {
			return v.text, true
		}
	}
	return "", false
}

// CheckRef reports whether ref is a reference Value can read with this
// pattern: a $.path selector, or $name of one of a space-delimited
// pattern's fields.
func (p *Pattern) CheckRef(ref string) bool {
	if strings.HasPrefix(ref, "$.") {
		_, err := parsePath(ref, 0)
		return err == nil
	}
	name, ok := strings.CutPrefix(ref, "$")
	if !ok || p.kind != KindSpaceDelimited {
		return false
	}
	for _, f := range p.fields {
		if !f.ellipsis && f.name == name {
			return true
		}
	}
	return false
}

func jsonDoc(msg string) (any, bool) {
	s := strings.TrimSpace(msg)
	if !strings.HasPrefix(s, "{") {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var doc any
	return doc, d.Decode(&doc) == nil
}

func lookupSel(doc any, sel string) (value, bool) {
	path, err := parsePath(sel, 0)
	if err != nil {
		return value{}, false
	}
	return jsonLookup(doc, path)
}

// selectors lists the selectors of a condition tree, in order, once each.
func selectors(e expr, out []string) []string {
	switch x := e.(type) {
	case andExpr:
		return selectors(x.r, selectors(x.l, out))
	case orExpr:
		return selectors(x.r, selectors(x.l, out))
	case cond:
		for _, s := range out {
			if s == x.sel {
				return out
			}
		}
		return append(out, x.sel)
	}
	return out
}

// bindDelimited matches a space-delimited pattern and returns the token
// each named field took.
func bindDelimited(fields []field, msg string) (map[string]string, bool) {
	toks := splitFields(strings.TrimSpace(msg))
	m := &matcher{fields: fields, toks: toks, failed: map[[2]int]bool{}, at: make([]int, len(fields))}
	if !m.bind(0, 0) {
		return nil, false
	}
	out := map[string]string{}
	for i, f := range fields {
		if !f.ellipsis {
			out[f.name] = toks[m.at[i]]
		}
	}
	return out, true
}
