package xrayfilter

import (
	"errors"
	"strings"
	"testing"
)

// Examples from the AWS X-Ray filter expression documentation, and the
// canonical form each parses to.
func TestParse(t *testing.T) {
	cases := []struct{ in, want string }{
		{`responsetime > 5`, `responsetime > 5`},
		{`duration >= 5 AND duration <= 8`, `(duration >= 5 AND duration <= 8)`},
		{`http.url BEGINSWITH "http://api.example.com/" AND http.url CONTAINS "/v2/" AND !service("api.example.com")`,
			`((http.url BEGINSWITH "http://api.example.com/" AND http.url CONTAINS "/v2/") AND !service(id(name: "api.example.com")))`},
		{`service("api.example.com") { fault = true OR responsetime > 2.5 } AND annotation.account = "12345"`,
			`(service(id(name: "api.example.com")) { (fault = true OR responsetime > 2.5) } AND annotation.account = "12345")`},
		{`ok !partial duration < 3`, `((ok AND !partial) AND duration < 3)`},
		{`annotation.tier = "gold" AND user = "alice"`, `(annotation.tier = "gold" AND user = "alice")`},
		{`fault || error && throttle`, `(fault OR (error AND throttle))`},
		{`(fault OR error) and http.status != 429`, `((fault OR error) AND http.status != 429)`},
		{`edge("api", "db") { error }`, `edge(id(name: "api"), id(name: "db")) { error }`},
		{`service(id(name: "x", type: "AWS::EC2::Instance"))`, `service(id(name: "x", type: "AWS::EC2::Instance"))`},
		{`id(name: "x")`, `service(id(name: "x"))`},
		{`service()`, `service()`},
		{`annotation[my key] = 2`, `annotation.my key = 2`},
		{`annotation["a-b"] = false`, `annotation.a-b = false`},
		{`http.method IN ["GET", "PUT"]`, `http.method IN ["GET", "PUT"]`},
		{`annotation.n = -1.5e3`, `annotation.n = -1500`},
		{`http.url ENDSWITH "\"q\""`, `http.url ENDSWITH "\"q\""`},
	}
	for _, tc := range cases {
		e, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
		}
		// The canonical form parses to itself, except annotation keys that
		// needed brackets.
		if !strings.Contains(tc.want, "annotation.my") && !strings.Contains(tc.want, "a-b") {
			again, err := Parse(e.String())
			if err != nil || again.String() != e.String() {
				t.Errorf("round trip of %s: %v %v", e, again, err)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in   string
		pos  int // 1-based position in the message
		text string
	}{
		{``, 1, "empty expression"},
		{`responsetime > "slow"`, 16, "compares with a number"},
		{`http.url > 5`, 10, "does not apply to http.url"},
		{`bogus = 1`, 1, `unknown keyword "bogus"`},
		{`fault AND`, 10, "expected a keyword"},
		{`(fault`, 7, "expected ')'"},
		{`service("a" { fault }`, 13, "expected ')'"},
		{`http.url = "open`, 12, "unterminated string"},
		{`fault # 2`, 7, "unexpected character"},
		{`edge("a") { ok }`, 9, "expected ','"},
		{`annotation.x CONTAINS 3`, 23, "needs a string"},
		{`fault)`, 6, "unexpected ')'"},
		{`id(nom: "x")`, 4, "unexpected or repeated field"},
		{`http.method IN "GET"`, 16, "IN needs a list"},
		{strings.Repeat("!", 200) + "ok", 101, "nested more than"},
	}
	for _, tc := range cases {
		_, err := Parse(tc.in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v, want *Error", tc.in, err)
			continue
		}
		if pe.Pos+1 != tc.pos || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("Parse(%q): %v, want position %d and %q", tc.in, err, tc.pos, tc.text)
		}
	}
}
