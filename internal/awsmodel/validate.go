package awsmodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violation is one failed constraint, worded as AWS words it.
type Violation struct {
	Member string // the member's path: "limit", "logEvents.1.member.timestamp"
	Value  string // the value as the service shows it; "" with Null
	Null   bool   // a required member is missing
	Rule   string // "Member must have length less than or equal to 512"
}

func (v Violation) String() string {
	if v.Null {
		return "Value null at '" + v.Member + "' failed to satisfy constraint: " + v.Rule
	}
	return "Value '" + v.Value + "' at '" + v.Member + "' failed to satisfy constraint: " + v.Rule
}

// Message words violations as the services' validation errors do ("1
// validation error detected: ...", "2 validation errors detected: ...; ...").
func Message(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	noun := "error"
	if len(vs) > 1 {
		noun = "errors"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(parts, "; "))
}

// Validator checks request bodies against a Model; it is safe for
// concurrent use.
type Validator struct {
	m        *Model
	patterns map[string]*regexp.Regexp // by shape name
}

// NewValidator compiles m's patterns.
func NewValidator(m *Model) (*Validator, error) {
	v := &Validator{m: m, patterns: map[string]*regexp.Regexp{}}
	for name, s := range m.Shapes {
		if s.Pattern == "" {
			continue
		}
		re, err := regexp.Compile(`^(?:` + s.Pattern + `)$`)
		if err != nil {
			return nil, fmt.Errorf("awsmodel: shape %s: %w", name, err)
		}
		v.patterns[name] = re
	}
	return v, nil
}

// Validate checks a JSON body of operation op and returns its violations
// in the model's member order, none when it passes. A body that is not a
// JSON object, an unknown operation and members of the wrong JSON type are
// left to the operation's decoding, which names them.
func (v *Validator) Validate(op string, body []byte) []Violation {
	o, ok := v.m.Operation(op)
	if !ok || o.Input == "" {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil
	}
	var out []Violation
	v.structure(o.Input, "", doc, &out)
	return out
}

// structure checks the members of a structure value; prefix is its path
// followed by a dot ("" at the top).
func (v *Validator) structure(shape, prefix string, doc map[string]any, out *[]Violation) {
	s := v.m.Shapes[shape]
	for _, m := range s.Members {
		val, present := doc[m.Name]
		path := prefix + m.Name
		if !present || val == nil {
			if slices.Contains(s.Required, m.Name) {
				*out = append(*out, Violation{Member: path, Null: true, Rule: "Member must not be null"})
			}
			continue
		}
		v.value(m.Shape, path, val, out)
	}
}

// value checks one present value of shape at path.
func (v *Validator) value(shape, path string, val any, out *[]Violation) {
	s := v.m.Shapes[shape]
	switch s.Type {
	case Structure:
		if doc, ok := val.(map[string]any); ok {
			v.structure(shape, path+".", doc, out)
		}
	case List:
		list, ok := val.([]any)
		if !ok {
			return
		}
		for _, r := range v.bounds(s, int64(len(list)), "length") {
			*out = append(*out, Violation{Member: path, Value: show(val), Rule: r})
		}
		if v.m.Shapes[s.Member].Type == Structure {
			for i, e := range list {
				v.value(s.Member, path+"."+strconv.Itoa(i+1)+".member", e, out)
			}
			return
		}
		if rules := v.elements(s.Member, list); len(rules) > 0 {
			*out = append(*out, Violation{Member: path, Value: show(val), Rule: "Member must satisfy constraint: [" + strings.Join(rules, ", ") + "]"})
		}
	case Map:
		m, ok := val.(map[string]any)
		if !ok {
			return
		}
		for _, r := range v.bounds(s, int64(len(m)), "length") {
			*out = append(*out, Violation{Member: path, Value: show(val), Rule: r})
		}
		keys := make([]any, 0, len(m))
		values := make([]any, 0, len(m))
		for _, k := range sortedKeys(m) {
			keys, values = append(keys, k), append(values, m[k])
		}
		if rules := v.elements(s.Key, keys); len(rules) > 0 {
			*out = append(*out, Violation{Member: path, Value: show(val), Rule: "Map keys must satisfy constraint: [" + strings.Join(rules, ", ") + "]"})
		}
		if rules := v.elements(s.Value, values); len(rules) > 0 {
			*out = append(*out, Violation{Member: path, Value: show(val), Rule: "Map value must satisfy constraint: [" + strings.Join(rules, ", ") + "]"})
		}
	default:
		for _, r := range v.scalar(shape, val) {
			*out = append(*out, Violation{Member: path, Value: show(val), Rule: r})
		}
	}
}

// elements gathers the rules that the scalar elements of a list or map
// break, each once.
func (v *Validator) elements(shape string, list []any) []string {
	var rules []string
	for _, e := range list {
		for _, r := range v.scalar(shape, e) {
			if !slices.Contains(rules, r) {
				rules = append(rules, r)
			}
		}
	}
	return rules
}

// scalar returns the rules a string or number breaks.
func (v *Validator) scalar(shape string, val any) []string {
	s := v.m.Shapes[shape]
	switch x := val.(type) {
	case string:
		if s.Type != String && s.Type != Blob {
			return nil
		}
		rules := v.bounds(s, int64(utf8.RuneCountInString(x)), "length")
		if re := v.patterns[shape]; re != nil && !re.MatchString(x) {
			rules = append(rules, "Member must satisfy regular expression pattern: "+s.Pattern)
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, x) {
			rules = append(rules, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
		}
		return rules
	case json.Number:
		if s.Type != Integer && s.Type != Long && s.Type != Double {
			return nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil
		}
		var rules []string
		if s.HasMin && f < float64(s.Min) {
			rules = append(rules, fmt.Sprintf("Member must have value greater than or equal to %d", s.Min))
		}
		if s.HasMax && f > float64(s.Max) {
			rules = append(rules, fmt.Sprintf("Member must have value less than or equal to %d", s.Max))
		}
		return rules
	}
	return nil
}

// bounds returns the length rules n breaks.
func (v *Validator) bounds(s *Shape, n int64, what string) []string {
	var rules []string
	if s.HasMax && n > s.Max {
		rules = append(rules, fmt.Sprintf("Member must have %s less than or equal to %d", what, s.Max))
	}
	if s.HasMin && n < s.Min {
		rules = append(rules, fmt.Sprintf("Member must have %s greater than or equal to %d", what, s.Min))
	}
	return rules
}

// show renders a value as the services do (Java's forms: [a, b], {k=v}).
func show(val any) string {
	switch x := val.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(x)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + show(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case nil:
		return "null"
	}
	return fmt.Sprint(val)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
