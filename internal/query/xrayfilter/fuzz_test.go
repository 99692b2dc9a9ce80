package xrayfilter

import (
	"errors"
	"strings"
	"testing"

	"lookout/internal/query"
)

// FuzzParse: Parse never panics, fails only with *Error at a position within
// the input, and what it accepts prints to an expression that parses to the
// same canonical form, evaluates without panicking (also once its groups are
// resolved) and compiles to a valid query-model filter.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`responsetime > 5`, `duration >= 5 AND duration <= 8`, `ok !partial duration < 3`,
		`service("api.example.com") { fault = true OR responsetime > 2.5 } AND annotation.account = "12345"`,
		`http.url BEGINSWITH "http://api.example.com/" AND http.url CONTAINS "/v2/" AND !service("api.example.com")`,
		`edge("a", "b") { error }`, `id(name: "x", type: "AWS::EC2::Instance")`, `annotation[a b] = 1`,
		`http.method IN ["GET", "PUT"]`, `(fault || error) && !throttle`, `user = "a\"b"`, `service()`, `"`, `(`, `!`,
		`group.name = "errors" AND !group.arn != "arn:aws:xray:us-east-1:0:group/x/ID"`, `service() { group.name = "x" }`,
		`responseTime > 0.5 AND responsetime < 2`, `availabilityzone = "us-east-1a" OR instance.id BEGINSWITH "i-0"`,
		`service("a") { instance.id IN ["i-1"] } AND !availabilityzone ENDSWITH "b"`, `responseTime`, `instance.id`,
		`rootcause.fault.service { name = "a" AND inferred }`, `rootcause.responseTime.entity { !remote }`,
		`rootcause.error.exception { message CONTAINS "x" OR name = "E" } AND message BEGINSWITH "t"`, `rootcause.x.y`,
	} {
		f.Add(s)
	}
	tr := causeTrace()
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(s) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			return
		}
		_ = Match(e, tr)
		resolved, err := Resolve(e, func(string, string) (Expr, error) { return Parse("fault OR duration > 1") })
		if err != nil || HasGroups(resolved) {
			t.Fatalf("Resolve(%q) = %v, %v", s, resolved, err)
		}
		_ = Match(resolved, tr)
		c := Compile(e)
		for _, w := range []*query.TraceFilter{c.Where, c.Sure} {
			q := query.TraceQuery{Start: testT0, End: testT0.Add(1), Where: w}
			if err := q.Normalize(); err != nil {
				// Only nesting deeper than the query model allows may fail.
				var fe *query.FieldError
				if !errors.As(err, &fe) || !strings.Contains(fe.Error(), "nested deeper") {
					t.Fatalf("Compile(%q): %s: %v", s, w, err)
				}
			}
		}
		canon := e.String()
		again, err := Parse(canon)
		if err != nil {
			// Bracketed annotation keys print in dotted form, which may not
			// lex back; everything else must.
			return
		}
		if again.String() != canon {
			t.Fatalf("Parse(%q) = %s, reparsed as %s", s, canon, again)
		}
	})
}
