package cwpattern

import (
	"maps"
	"testing"
)

func TestValues(t *testing.T) {
	for _, c := range []struct {
		pattern, msg string
		want         map[string]string // nil: no match
	}{
		{`{ $.status >= 500 && $.path = "/pay*" }`, `{"status":503,"path":"/pay/now","ms":12}`, map[string]string{"$.status": "503", "$.path": "/pay/now"}},
		{`{ $.status >= 500 }`, `{"status":200}`, nil},
		{`[ip, user, ..., status = 5*, bytes]`, `10.0.0.1 bob GET /x 503 1200`, map[string]string{"$ip": "10.0.0.1", "$user": "bob", "$status": "503", "$bytes": "1200"}},
		{`[ip, user, ..., status = 5*, bytes]`, `10.0.0.1 bob GET /x 200 1200`, nil},
		{`ERROR`, `ERROR boom`, map[string]string{}},
		{`ERROR`, `fine`, nil},
	} {
		p, err := Parse(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.Values(c.msg)
		if ok != (c.want != nil) || !maps.Equal(got, c.want) {
			t.Errorf("%s on %q: %v %v, want %v", c.pattern, c.msg, got, ok, c.want)
		}
	}
}

func TestValue(t *testing.T) {
	json, _ := Parse(`{ $.status >= 500 }`)
	delim, _ := Parse(`[ip, ..., bytes]`)
	for _, c := range []struct {
		p        *Pattern
		msg, ref string
		want     string
		ok       bool
	}{
		{json, `{"status":503,"latency":{"ms":42}}`, "$.latency.ms", "42", true},
		{json, `{"status":503}`, "$.latency", "", false},
		{json, `{"status":503,"latency":null}`, "$.latency", "", false},
		{delim, `1.2.3.4 GET / 512`, "$bytes", "512", true},
		{delim, `1.2.3.4 GET / 512`, "$nope", "", false},
		{json, `not json`, "$.status", "", false},
	} {
		got, ok := c.p.Value(c.msg, c.ref)
		if got != c.want || ok != c.ok {
			t.Errorf("%s %s on %q: %q %v, want %q %v", c.p, c.ref, c.msg, got, ok, c.want, c.ok)
		}
	}
	for ref, want := range map[string]bool{"$.a.b": true, "$.": false, "$ip": false, "1": false} {
		if got := json.CheckRef(ref); got != want {
			t.Errorf("json CheckRef(%q) = %v", ref, got)
		}
	}
	if !delim.CheckRef("$bytes") || delim.CheckRef("$size") {
		t.Error("delimited CheckRef")
	}
}
