package xraysampling

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func rule(name string, prio int32, service, path string) Rule {
	r := DefaultRule()
	r.RuleName, r.Priority, r.ServiceName, r.URLPath = name, prio, service, path
	return r
}

func TestValidate(t *testing.T) {
	ok := rule("checkout", 100, "checkout-api", "/checkout*")
	cases := []struct {
		name  string
		edit  func(*Rule)
		field string // "" when valid
	}{
		{"valid", func(*Rule) {}, ""},
		{"empty name", func(r *Rule) { r.RuleName = "" }, "SamplingRule.RuleName"},
		{"long name", func(r *Rule) { r.RuleName = strings.Repeat("n", 33) }, "SamplingRule.RuleName"},
		{"32 characters, more bytes", func(r *Rule) { r.RuleName = strings.Repeat("é", 32) }, ""},
		{"Default", func(r *Rule) { r.RuleName = "Default" }, "SamplingRule.RuleName"},
		{"priority 0", func(r *Rule) { r.Priority = 0 }, "SamplingRule.Priority"},
		{"priority 10000", func(r *Rule) { r.Priority = 10000 }, "SamplingRule.Priority"},
		{"rate above 1", func(r *Rule) { r.FixedRate = 1.5 }, "SamplingRule.FixedRate"},
		{"rate NaN", func(r *Rule) { r.FixedRate = math.NaN() }, "SamplingRule.FixedRate"},
		{"negative reservoir", func(r *Rule) { r.ReservoirSize = -1 }, "SamplingRule.ReservoirSize"},
		{"version 2", func(r *Rule) { r.Version = 2 }, "SamplingRule.Version"},
		{"long host", func(r *Rule) { r.Host = strings.Repeat("h", 65) }, "SamplingRule.Host"},
		{"long method", func(r *Rule) { r.HTTPMethod = "PROPFINDXXX" }, "SamplingRule.HTTPMethod"},
		{"long path", func(r *Rule) { r.URLPath = "/" + strings.Repeat("p", 128) }, "SamplingRule.URLPath"},
		{"long service", func(r *Rule) { r.ServiceName = strings.Repeat("s", 65) }, "SamplingRule.ServiceName"},
		{"long type", func(r *Rule) { r.ServiceType = strings.Repeat("s", 65) }, "SamplingRule.ServiceType"},
		{"long ARN", func(r *Rule) { r.ResourceARN = strings.Repeat("a", 501) }, "SamplingRule.ResourceARN"},
		{"six attributes", func(r *Rule) {
			r.Attributes = map[string]string{"a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "1"}
		}, "SamplingRule.Attributes"},
		{"empty attribute value", func(r *Rule) { r.Attributes = map[string]string{"a": ""} }, "SamplingRule.Attributes.a"},
		{"empty attribute key", func(r *Rule) { r.Attributes = map[string]string{"": "x"} }, "SamplingRule.Attributes"},
	}
	for _, c := range cases {
		r := ok
		r.Attributes = map[string]string{}
		c.edit(&r)
		err := r.Validate("SamplingRule")
		var fe *FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: error %v, want one naming %s", c.name, err, c.field)
		case c.field != "" && !strings.HasPrefix(err.Error(), c.field+" "):
			t.Errorf("%s: message %q does not start with the field", c.name, err)
		}
	}
}

func TestApply(t *testing.T) {
	str := func(s string) *string { return &s }
	f64 := func(f float64) *float64 { return &f }
	i32 := func(i int32) *int32 { return &i }
	user := rule("checkout", 100, "checkout-api", "/checkout*")
	cases := []struct {
		name  string
		r     Rule
		u     Update
		want  func(Rule) bool
		field string
	}{
		{"rate and path", user, Update{FixedRate: f64(1), URLPath: str("/pay")},
			func(r Rule) bool { return r.FixedRate == 1 && r.URLPath == "/pay" && r.ServiceName == "checkout-api" }, ""},
		{"attributes replaced", user, Update{Attributes: map[string]string{"tier": "gold"}},
			func(r Rule) bool { return r.Attributes["tier"] == "gold" }, ""},
		{"bad priority", user, Update{Priority: i32(0)}, nil, "SamplingRuleUpdate.Priority"},
		{"default rate and reservoir", DefaultRule(), Update{FixedRate: f64(0.5), ReservoirSize: i32(3)},
			func(r Rule) bool { return r.FixedRate == 0.5 && r.ReservoirSize == 3 && r.Priority == DefaultPriority }, ""},
		{"default same wildcard", DefaultRule(), Update{Host: str("*"), FixedRate: f64(0.1)},
			func(r Rule) bool { return r.FixedRate == 0.1 }, ""},
		{"default host", DefaultRule(), Update{Host: str("api")}, nil, "SamplingRuleUpdate.Host"},
		{"default priority", DefaultRule(), Update{Priority: i32(5)}, nil, "SamplingRuleUpdate.Priority"},
		{"default bad rate", DefaultRule(), Update{FixedRate: f64(-0.1)}, nil, "SamplingRuleUpdate.FixedRate"},
		{"default bad reservoir", DefaultRule(), Update{ReservoirSize: i32(-2)}, nil, "SamplingRuleUpdate.ReservoirSize"},
	}
	for _, c := range cases {
		got, err := Apply(c.r, c.u, "SamplingRuleUpdate")
		var fe *FieldError
		switch {
		case c.field == "" && (err != nil || !c.want(got)):
			t.Errorf("%s: %+v, %v", c.name, got, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: error %v, want one naming %s", c.name, err, c.field)
		}
	}
	if user.URLPath != "/checkout*" {
		t.Error("Apply changed its argument")
	}
}
