package xraysampling

import "testing"

func TestCovers(t *testing.T) {
	cases := []struct {
		general, specific string
		want              bool
	}{
		{"*", "", true},
		{"*", "/a/*", true},
		{"/checkout*", "/checkout/express", true},
		{"/checkout*", "/checkout/*", true},
		{"/checkout/*", "/checkout*", false},
		{"/a?c", "/abc", true},
		{"/a?c", "/a?c", true},
		{"/a?c", "/a*c", false},
		{"a*", "A", true},
		{"", "", true},
		{"", "*", false},
		{"x", "", false},
		{"*b", "a*b", true},
		{"a*b", "*b", false},
	}
	for _, c := range cases {
		if got := Covers(c.general, c.specific); got != c.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", c.general, c.specific, got, c.want)
		}
	}
}

// TestCoversIsSound: whenever Covers says yes, every short text the
// specific pattern matches, the general one matches too.
func TestCoversIsSound(t *testing.T) {
	patterns := words("a*?", 3)
	texts := words("ab", 5)
	for _, g := range patterns {
		for _, s := range patterns {
			if !Covers(g, s) {
				continue
			}
			for _, x := range texts {
				if Glob(s, x) && !Glob(g, x) {
					t.Fatalf("Covers(%q, %q) but %q matches only the second", g, s, x)
				}
			}
		}
	}
}

func TestShadows(t *testing.T) {
	all := rule("catch-all", 1, "*", "*")
	checkout := rule("checkout", 100, "checkout-api", "/checkout*")
	express := rule("express", 200, "checkout-api", "/checkout/express")
	otherHost := rule("other-host", 300, "checkout-api", "/checkout/x")
	otherHost.Host = "admin.*"
	withAttr := rule("with-attr", 50, "checkout-api", "*")
	withAttr.Attributes = map[string]string{"tier": "gold"}
	narrowAttr := rule("narrow-attr", 400, "checkout-api", "/checkout/y")
	narrowAttr.Attributes = map[string]string{"tier": "gold", "region": "eu"}
	cases := []struct {
		name  string
		rules []Rule
		want  map[string]string // shadowed → by
	}{
		{"none", []Rule{checkout, DefaultRule()}, map[string]string{}},
		{"prefix path", []Rule{checkout, express, DefaultRule()}, map[string]string{"express": "checkout"}},
		{"a narrower host is still covered", []Rule{checkout, otherHost}, map[string]string{"other-host": "checkout"}},
		{"attributes: the general rule requires one the other lacks", []Rule{withAttr, express}, map[string]string{}},
		{"attributes: superset", []Rule{withAttr, narrowAttr}, map[string]string{"narrow-attr": "with-attr"}},
		{"catch-all first; Default left out", []Rule{all, checkout, DefaultRule()}, map[string]string{"checkout": "catch-all"}},
	}
	for _, c := range cases {
		rules := append([]Rule(nil), c.rules...)
		Sort(rules)
		got := map[string]string{}
		for name, by := range Shadows(rules) {
			got[name] = by.RuleName
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	}
}
