package xrayfilter

import (
	"errors"
	"strings"
	"testing"

	"lookout/internal/query"
)

func TestParseGroups(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{in: `group.name = "errors"`, want: `group.name = "errors"`},
		{in: `group.arn = "arn:aws:xray:us-east-1:000000000000:group/errors/ABC"`,
			want: `group.arn = "arn:aws:xray:us-east-1:000000000000:group/errors/ABC"`},
		{in: `group.name != "slow" AND fault`, want: `(group.name != "slow" AND fault)`},
		{in: `!group.name = "slow"`, want: `!group.name = "slow"`},
		{in: `group.name`, err: `position 1: group.name needs = or != and a string`},
		{in: `group.name = 1`, err: `position 14: group.name compares with a string, not 1`},
		{in: `group.name CONTAINS "x"`, err: `position 12: operator CONTAINS does not apply to group.name`},
		{in: `group.name IN ["a"]`, err: `operator IN does not apply to group.name`},
		{in: `service("api") { group.name = "x" }`, err: `position 18: group.name selects whole traces: it cannot be used inside service() or edge()`},
		{in: `edge("a", "b") { !group.arn = "x" }`, err: `position 19: group.arn selects whole traces`},
		{in: `group.id = "x"`, err: `unknown keyword "group.id"`},
	}
	for _, tc := range cases {
		e, err := Parse(tc.in)
		switch {
		case tc.err != "":
			var pe *Error
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q): %v, want an error with %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("Parse(%q): %v", tc.in, err)
		case e.String() != tc.want:
			t.Errorf("Parse(%q) = %s, want %s", tc.in, e, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	groups := map[string]string{
		GroupName + "=errors": `fault OR error`,
		GroupName + "=all":    ``,
		GroupARN + "=arn:g/x": `service("api") { fault }`,
	}
	lookup := func(key, value string) (Expr, error) {
		src, ok := groups[key+"="+value]
		switch {
		case !ok:
			return nil, errors.New("no group " + value)
		case src == "":
			return nil, nil
		}
		return Parse(src)
	}
	cases := []struct{ in, want, err string }{
		{in: `group.name = "errors"`, want: `(fault OR error)`},
		{in: `group.name = "errors" AND http.status = 500`, want: `((fault OR error) AND http.status = 500)`},
		{in: `group.name != "errors"`, want: `!(fault OR error)`},
		{in: `!group.name = "errors"`, want: `!(fault OR error)`},
		{in: `group.name = "all"`, want: `service()`},
		{in: `ok OR (group.arn = "arn:g/x" AND !partial)`, want: `(ok OR (service(id(name: "api")) { fault } AND !partial))`},
		{in: `fault AND service("a") { error }`, want: `(fault AND service(id(name: "a")) { error })`},
		{in: `fault OR group.name = "missing"`, err: "no group missing"},
	}
	for _, tc := range cases {
		e, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if has := HasGroups(e); has != strings.Contains(tc.in, "group.") {
			t.Errorf("HasGroups(%q) = %v", tc.in, has)
		}
		got, err := Resolve(e, lookup)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("Resolve(%q): %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		case err != nil:
			t.Errorf("Resolve(%q): %v", tc.in, err)
			continue
		case got.String() != tc.want:
			t.Errorf("Resolve(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if HasGroups(got) {
			t.Errorf("Resolve(%q) left a group in %s", tc.in, got)
		}
		if !HasGroups(e) && got != e {
			t.Errorf("Resolve(%q) copied an expression without groups", tc.in)
		}
	}
}

// TestUnresolvedGroup: a group left in holds for no trace, in Match and in
// the compiled filter alike; its negation holds for every trace.
func TestUnresolvedGroup(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`group.name = "x"`, false},
		{`!group.name = "x"`, true},
		{`group.arn = "x" OR ok`, false},
		{`group.arn = "x" OR error`, true},
	} {
		e, err := Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Match(e, sampleTrace()); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.in, got, tc.want)
		}
		c := Compile(e)
		if !c.Exact {
			t.Errorf("Compile(%q) is not exact: %s", tc.in, c.Where)
		}
		q := query.TraceQuery{Start: testT0, End: testT0.Add(1), Where: c.Where}
		if err := q.Normalize(); err != nil {
			t.Errorf("Compile(%q): %v", tc.in, err)
		}
	}
}
