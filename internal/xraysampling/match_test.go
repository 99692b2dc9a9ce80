package xraysampling

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	cases := []struct {
		pattern, text string
		want          bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "x", false},
		{"x", "", false},
		{"/api/*", "/api/users", true},
		{"/api/*", "/api", false},
		{"/api/*", "/v2/api/users", false}, // anchored, unlike the OTel sampler's regexp
		{"/api", "/api/x", false},
		{"GET", "get", true},
		{"Backend", "BACKEND", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true}, // ? is one character, not one byte
		{"*.example.com", "api.example.com", true},
		{"*.example.com", "example.com", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*a*a*a*a*a*a*b", strings.Repeat("a", 60), false},
		{"**", "", true},
		{"?*", "", false},
	}
	for _, c := range cases {
		if got := Glob(c.pattern, c.text); got != c.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", c.pattern, c.text, got, c.want)
		}
	}
}

// TestGlobAgainstRegexp compares Glob with an anchored regexp on every
// pattern and text over a small alphabet.
func TestGlobAgainstRegexp(t *testing.T) {
	for _, p := range words("ab*?", 4) {
		re := regexp.MustCompile("(?is)^" + strings.NewReplacer("*", ".*", "?", ".").Replace(p) + "$")
		for _, s := range words("abA", 5) {
			if Glob(p, s) != re.MatchString(s) {
				t.Fatalf("Glob(%q, %q) = %v, regexp says %v", p, s, Glob(p, s), !Glob(p, s))
			}
		}
	}
}

// words lists every string over alphabet up to n characters long.
func words(alphabet string, n int) []string {
	out := []string{""}
	level := []string{""}
	for i := 0; i < n; i++ {
		var next []string
		for _, w := range level {
			for _, c := range alphabet {
				next = append(next, w+string(c))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

func TestMatchNamesTheFirstFailingField(t *testing.T) {
	r := rule("checkout", 100, "checkout-*", "/checkout*")
	r.HTTPMethod, r.Host = "POST", "shop.example.com"
	r.Attributes = map[string]string{"tier": "gold*"}
	full := Request{ServiceName: "checkout-api", ServiceType: "AWS::EC2::Instance", Host: "shop.example.com",
		HTTPMethod: "post", URLPath: "/checkout/pay", ResourceARN: "arn:x", Attributes: map[string]string{"tier": "golden"}}
	cases := []struct {
		name string
		edit func(*Request)
		want Mismatch
	}{
		{"match", func(*Request) {}, Mismatch{}},
		{"service", func(q *Request) { q.ServiceName = "cart"; q.URLPath = "/cart" }, Mismatch{"ServiceName", "checkout-*", "cart"}},
		{"host", func(q *Request) { q.Host = "shop.example.com:8080" }, Mismatch{"Host", "shop.example.com", "shop.example.com:8080"}},
		{"method", func(q *Request) { q.HTTPMethod = "GET" }, Mismatch{"HTTPMethod", "POST", "GET"}},
		{"path", func(q *Request) { q.URLPath = "/cart" }, Mismatch{"URLPath", "/checkout*", "/cart"}},
		{"empty fields are not compared", func(q *Request) { q.Host, q.URLPath, q.HTTPMethod = "", "", "" }, Mismatch{}},
		{"attribute missing", func(q *Request) { q.Attributes = nil }, Mismatch{"Attributes.tier", "gold*", ""}},
		{"attribute differs", func(q *Request) { q.Attributes = map[string]string{"tier": "silver"} }, Mismatch{"Attributes.tier", "gold*", "silver"}},
	}
	for _, c := range cases {
		q := full
		c.edit(&q)
		m, ok := r.Match(q)
		if ok != (c.want == Mismatch{}) || m != c.want {
			t.Errorf("%s: Match = %+v, %v; want %+v", c.name, m, ok, c.want)
		}
	}
}

func TestSelectOrder(t *testing.T) {
	rules := []Rule{
		DefaultRule(),
		rule("zeta", 50, "api", "*"),
		rule("alpha", 50, "api", "/health"),
		rule("first", 10, "web", "*"),
	}
	Sort(rules)
	var names []string
	for _, r := range rules {
		names = append(names, r.RuleName)
	}
	if want := []string{"first", "alpha", "zeta", "Default"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("order %v, want %v", names, want)
	}
	cases := []struct {
		req     Request
		want    string
		skipped []Skipped
	}{
		{Request{ServiceName: "api", URLPath: "/health"}, "alpha",
			[]Skipped{{"first", 10, Mismatch{"ServiceName", "web", "api"}}}},
		{Request{ServiceName: "api", URLPath: "/users"}, "zeta",
			[]Skipped{{"first", 10, Mismatch{"ServiceName", "web", "api"}}, {"alpha", 50, Mismatch{"URLPath", "/health", "/users"}}}},
		{Request{ServiceName: "worker"}, "Default", nil},
	}
	for _, c := range cases {
		i, skipped := Select(rules, c.req)
		if i < 0 || rules[i].RuleName != c.want {
			t.Errorf("%+v: matched %d, want %s", c.req, i, c.want)
		}
		if c.skipped != nil && !reflect.DeepEqual(skipped, c.skipped) {
			t.Errorf("%+v: skipped %+v, want %+v", c.req, skipped, c.skipped)
		}
	}
	if i, skipped := Select(nil, Request{}); i != -1 || len(skipped) != 0 {
		t.Errorf("no rules: %d %v", i, skipped)
	}
}
