package xraysampling

import "unicode"

// Request is what a sampling decision looks at: the segment's service name
// and origin, the request's Host header, method and URL path, the resource
// ARN and attributes (the OpenTelemetry sampler's span attributes).
type Request struct {
	ServiceName string
	ServiceType string
	Host        string
	HTTPMethod  string
	URLPath     string
	ResourceARN string
	Attributes  map[string]string
}

// Mismatch is the first field of a rule a request did not satisfy.
type Mismatch struct {
	Field   string `json:"field"`   // ServiceName, ..., or Attributes.<key>
	Pattern string `json:"pattern"` // the rule's pattern
	Value   string `json:"value"`   // the request's value ("" for a missing attribute)
}

// Match reports whether the rule applies to req, else the first field (in
// the order of Request) that did not match. As in aws-xray-sdk-go, a request
// field left empty is not compared: a request without a Host header matches
// any Host pattern. Every attribute of the rule must be present in the
// request and match.
func (r Rule) Match(req Request) (Mismatch, bool) {
	for _, c := range []struct{ field, pattern, value string }{
		{"ServiceName", r.ServiceName, req.ServiceName}, {"ServiceType", r.ServiceType, req.ServiceType},
		{"Host", r.Host, req.Host}, {"HTTPMethod", r.HTTPMethod, req.HTTPMethod},
		{"URLPath", r.URLPath, req.URLPath}, {"ResourceARN", r.ResourceARN, req.ResourceARN},
	} {
		if c.value != "" && !Glob(c.pattern, c.value) {
			return Mismatch{Field: c.field, Pattern: c.pattern, Value: c.value}, false
		}
	}
	for _, k := range sortedKeys(r.Attributes) {
		v, ok := req.Attributes[k]
		if !ok || !Glob(r.Attributes[k], v) {
			return Mismatch{Field: "Attributes." + k, Pattern: r.Attributes[k], Value: v}, false
		}
	}
	return Mismatch{}, true
}

// Skipped is a rule evaluated before the one that matched, with why it did
// not match.
type Skipped struct {
	Rule     string   `json:"rule"`
	Priority int32    `json:"priority"`
	Why      Mismatch `json:"why"`
}

// Select returns the index of the first rule of rules (in evaluation order,
// see Sort) that matches req, or -1, and why each rule before it did not.
func Select(rules []Rule, req Request) (int, []Skipped) {
	skipped := []Skipped{}
	for i, r := range rules {
		m, ok := r.Match(req)
		if ok {
			return i, skipped
		}
		skipped = append(skipped, Skipped{Rule: r.RuleName, Priority: r.Priority, Why: m})
	}
	return -1, skipped
}

// Glob reports whether text matches pattern, where "*" matches any run of
// characters (also none) and "?" exactly one, case-insensitively, over the
// whole text. An empty pattern matches only empty text.
func Glob(pattern, text string) bool {
	p, t := foldRunes(pattern), foldRunes(text)
	// Greedy with one backtrack point: on a mismatch, let the last "*" take
	// one more character. Linear for most patterns, O(len(p)*len(t)) at worst.
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*': // before the literal case: a "*" in the text is a letter
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			mark++
			pi, ti = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// foldRunes lower-cases s into runes, so "?" takes one character however
// many bytes it has.
func foldRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, unicode.ToLower(r))
	}
	return out
}
