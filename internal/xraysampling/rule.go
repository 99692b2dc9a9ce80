// Package xraysampling is X-Ray centralized sampling: rules and their
// validation, the order and wildcards AWS matches them with, sharing a
// rule's reservoir among the clients that report for it, per-rule statistics
// in 10-second windows, explanations of why a rule matched nothing or is
// shadowed, and the comparison of what each client reported sampled with
// the segments that arrived. Service keeps that state per project: the
// rules in a document store (store.Documents), quotas, statistics and the
// clients' reports in memory. It knows no wire protocol: the X-Ray API
// receiver (internal/receiver/xrayapi) serves it.
package xraysampling

import (
	"fmt"
	"math"
	"sort"
	"unicode/utf8"
)

// DefaultRuleName names the rule that always exists and cannot be deleted.
const DefaultRuleName = "Default"

// Limits of a rule, from the X-Ray API reference (SamplingRule).
const (
	MaxRuleNameLen    = 32
	MaxResourceARNLen = 500
	MaxServiceNameLen = 64
	MaxServiceTypeLen = 64
	MaxHostLen        = 64
	MaxHTTPMethodLen  = 10
	MaxURLPathLen     = 128
	MaxAttributes     = 5
	MaxAttributeLen   = 32
	MinPriority       = 1
	MaxPriority       = 9999
	DefaultPriority   = 10000 // the Default rule's, after every other rule
)

// Rule is a sampling rule. Field names and JSON names are X-Ray's. String
// fields are patterns: "*" any run of characters, "?" exactly one,
// compared without regard to case.
type Rule struct {
	RuleName      string            `json:"RuleName"`
	ResourceARN   string            `json:"ResourceARN"`
	Priority      int32             `json:"Priority"`
	FixedRate     float64           `json:"FixedRate"`
	ReservoirSize int32             `json:"ReservoirSize"`
	ServiceName   string            `json:"ServiceName"`
	ServiceType   string            `json:"ServiceType"`
	Host          string            `json:"Host"`
	HTTPMethod    string            `json:"HTTPMethod"`
	URLPath       string            `json:"URLPath"`
	Version       int32             `json:"Version"`
	Attributes    map[string]string `json:"Attributes"`
}

// DefaultRule is the rule every account starts with: one request a second
// and 5% of the rest, whatever the request.
func DefaultRule() Rule {
	return Rule{RuleName: DefaultRuleName, ResourceARN: "*", Priority: DefaultPriority, FixedRate: 0.05,
		ReservoirSize: 1, ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "*",
		Version: 1, Attributes: map[string]string{}}
}

// IsDefault reports whether r is the Default rule.
func (r Rule) IsDefault() bool { return r.RuleName == DefaultRuleName }

// FieldError is a rule field that breaks a constraint; Field is named as in
// the API (SamplingRule.URLPath).
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + " " + e.Msg }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Validate checks a rule other than Default against the API's constraints;
// prefix names the enclosing member in errors ("SamplingRule").
func (r Rule) Validate(prefix string) error {
	f := func(name string) string { return prefix + "." + name }
	if n := utf8.RuneCountInString(r.RuleName); n < 1 || n > MaxRuleNameLen {
		return fieldErr(f("RuleName"), "must be 1 to %d characters long, not %d", MaxRuleNameLen, n)
	}
	if r.IsDefault() {
		return fieldErr(f("RuleName"), "%q is the name of the rule that always exists", DefaultRuleName)
	}
	if r.Priority < MinPriority || r.Priority > MaxPriority {
		return fieldErr(f("Priority"), "must be between %d and %d, not %d", MinPriority, MaxPriority, r.Priority)
	}
	if err := validRate(f("FixedRate"), r.FixedRate); err != nil {
		return err
	}
	if err := validReservoir(f("ReservoirSize"), r.ReservoirSize); err != nil {
		return err
	}
	if r.Version != 1 {
		return fieldErr(f("Version"), "must be 1 (the only rule format), not %d", r.Version)
	}
	for _, c := range []struct {
		name, v string
		max     int
	}{
		{"ResourceARN", r.ResourceARN, MaxResourceARNLen}, {"ServiceName", r.ServiceName, MaxServiceNameLen},
		{"ServiceType", r.ServiceType, MaxServiceTypeLen}, {"Host", r.Host, MaxHostLen},
		{"HTTPMethod", r.HTTPMethod, MaxHTTPMethodLen}, {"URLPath", r.URLPath, MaxURLPathLen},
	} {
		if n := utf8.RuneCountInString(c.v); n > c.max {
			return fieldErr(f(c.name), "must be at most %d characters long, not %d", c.max, n)
		}
	}
	if len(r.Attributes) > MaxAttributes {
		return fieldErr(f("Attributes"), "may have at most %d entries, not %d", MaxAttributes, len(r.Attributes))
	}
	for _, k := range sortedKeys(r.Attributes) {
		if n := utf8.RuneCountInString(k); n < 1 || n > MaxAttributeLen {
			return fieldErr(f("Attributes"), "key %q must be 1 to %d characters long", k, MaxAttributeLen)
		}
		if n := utf8.RuneCountInString(r.Attributes[k]); n < 1 || n > MaxAttributeLen {
			return fieldErr(f("Attributes."+k), "must be 1 to %d characters long, not %d", MaxAttributeLen, n)
		}
	}
	return nil
}

func validRate(field string, v float64) error {
	if math.IsNaN(v) || v < 0 || v > 1 {
		return fieldErr(field, "must be between 0 and 1, not %v", v)
	}
	return nil
}

func validReservoir(field string, v int32) error {
	if v < 0 {
		return fieldErr(field, "must not be negative, not %d", v)
	}
	return nil
}

// Update is a change to a rule: nil fields stay as they are.
type Update struct {
	ResourceARN   *string
	Priority      *int32
	FixedRate     *float64
	ReservoirSize *int32
	ServiceName   *string
	ServiceType   *string
	Host          *string
	HTTPMethod    *string
	URLPath       *string
	Attributes    map[string]string // nil: unchanged; empty: none
}

// Apply returns r changed by u, validated. Of the Default rule only
// FixedRate and ReservoirSize change; other fields must be left out or
// equal to the Default's, as X-Ray requires.
func Apply(r Rule, u Update, prefix string) (Rule, error) {
	f := func(name string) string { return prefix + "." + name }
	if r.IsDefault() {
		if err := defaultUnchanged(r, u, f); err != nil {
			return r, err
		}
		if u.FixedRate != nil {
			if err := validRate(f("FixedRate"), *u.FixedRate); err != nil {
				return r, err
			}
			r.FixedRate = *u.FixedRate
		}
		if u.ReservoirSize != nil {
			if err := validReservoir(f("ReservoirSize"), *u.ReservoirSize); err != nil {
				return r, err
			}
			r.ReservoirSize = *u.ReservoirSize
		}
		return r, nil
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&r.ResourceARN, u.ResourceARN)
	set(&r.ServiceName, u.ServiceName)
	set(&r.ServiceType, u.ServiceType)
	set(&r.Host, u.Host)
	set(&r.HTTPMethod, u.HTTPMethod)
	set(&r.URLPath, u.URLPath)
	if u.Priority != nil {
		r.Priority = *u.Priority
	}
	if u.FixedRate != nil {
		r.FixedRate = *u.FixedRate
	}
	if u.ReservoirSize != nil {
		r.ReservoirSize = *u.ReservoirSize
	}
	if u.Attributes != nil {
		r.Attributes = copyMap(u.Attributes)
	}
	return r, r.Validate(prefix)
}

// defaultUnchanged refuses an update that would change one of the Default
// rule's matching fields or its priority.
func defaultUnchanged(r Rule, u Update, f func(string) string) error {
	for _, c := range []struct {
		name string
		v    *string
		cur  string
	}{
		{"ResourceARN", u.ResourceARN, r.ResourceARN}, {"ServiceName", u.ServiceName, r.ServiceName},
		{"ServiceType", u.ServiceType, r.ServiceType}, {"Host", u.Host, r.Host},
		{"HTTPMethod", u.HTTPMethod, r.HTTPMethod}, {"URLPath", u.URLPath, r.URLPath},
	} {
		if c.v != nil && *c.v != c.cur {
			return fieldErr(f(c.name), "of the Default rule cannot be changed (only FixedRate and ReservoirSize can)")
		}
	}
	if u.Priority != nil && *u.Priority != r.Priority {
		return fieldErr(f("Priority"), "of the Default rule cannot be changed (only FixedRate and ReservoirSize can)")
	}
	if len(u.Attributes) > 0 {
		return fieldErr(f("Attributes"), "of the Default rule cannot be changed (only FixedRate and ReservoirSize can)")
	}
	return nil
}

// Less orders rules as X-Ray evaluates them: by priority, then by name.
func Less(a, b Rule) bool {
	if a.Priority != b.Priority {
		return a.Priority < b.Priority
	}
	return a.RuleName < b.RuleName
}

// Sort puts rules in evaluation order.
func Sort(rules []Rule) {
	sort.SliceStable(rules, func(i, j int) bool { return Less(rules[i], rules[j]) })
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
