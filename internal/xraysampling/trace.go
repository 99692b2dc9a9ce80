package xraysampling

// FieldCheck is one field of a rule compared with a request. Result is
// "match", "fail", or "skipped" when the request has no value for the
// field (the SDKs do not compare it then).
type FieldCheck struct {
	Field   string `json:"field"`
	Pattern string `json:"pattern"`
	Value   string `json:"value"`
	Result  string `json:"result"`
}

// RuleTrace is how one rule fared with a request: Outcome is "matched" (it
// decides), "failed" (Why is its first failing field) or "not-evaluated" (a
// rule before it decided).
type RuleTrace struct {
	Rule     string       `json:"rule"`
	Priority int32        `json:"priority"`
	Outcome  string       `json:"outcome"`
	Fields   []FieldCheck `json:"fields"`
	Why      *Mismatch    `json:"why,omitempty"`
}

// Trace compares req with every rule (in evaluation order), field by field
// in the order Match compares them: the first that matches decides, the
// ones after it are not evaluated (their fields are still compared, to
// show what they would have done).
func Trace(rules []Rule, req Request) []RuleTrace {
	out := make([]RuleTrace, 0, len(rules))
	decided := false
	for _, r := range rules {
		t := RuleTrace{Rule: r.RuleName, Priority: r.Priority, Fields: fieldChecks(r, req)}
		m, ok := r.Match(req)
		switch {
		case decided:
			t.Outcome = "not-evaluated"
		case ok:
			t.Outcome, decided = "matched", true
		default:
			t.Outcome, t.Why = "failed", &m
		}
		out = append(out, t)
	}
	return out
}

func fieldChecks(r Rule, req Request) []FieldCheck {
	var out []FieldCheck
	for _, c := range []struct{ field, pattern, value string }{
		{"ServiceName", r.ServiceName, req.ServiceName}, {"ServiceType", r.ServiceType, req.ServiceType},
		{"Host", r.Host, req.Host}, {"HTTPMethod", r.HTTPMethod, req.HTTPMethod},
		{"URLPath", r.URLPath, req.URLPath}, {"ResourceARN", r.ResourceARN, req.ResourceARN},
	} {
		res := "match"
		switch {
		case c.value == "":
			res = "skipped"
		case !Glob(c.pattern, c.value):
			res = "fail"
		}
		out = append(out, FieldCheck{Field: c.field, Pattern: c.pattern, Value: c.value, Result: res})
	}
	for _, k := range sortedKeys(r.Attributes) {
		v, ok := req.Attributes[k]
		res := "match"
		if !ok || !Glob(r.Attributes[k], v) {
			res = "fail"
		}
		out = append(out, FieldCheck{Field: "Attributes." + k, Pattern: r.Attributes[k], Value: v, Result: res})
	}
	return out
}
