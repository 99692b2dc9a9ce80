package cwpattern

import (
	"fmt"
	"strings"
	"testing"

	"lookout/internal/query"
)

// show renders a prefilter compactly for the table below.
func show(p *query.TextMatch) string {
	if p == nil {
		return "<none>"
	}
	path := func() string {
		var b strings.Builder
		for _, el := range p.Path {
			if el.Index >= 0 {
				fmt.Fprintf(&b, "[%d]", el.Index)
			} else {
				b.WriteString("." + el.Key)
			}
		}
		return b.String()
	}
	var parts []string
	for _, c := range p.Children {
		parts = append(parts, show(c))
	}
	switch p.Op {
	case query.MatchAnd:
		return "and(" + strings.Join(parts, " ") + ")"
	case query.MatchOr:
		return "or(" + strings.Join(parts, " ") + ")"
	case query.MatchContains:
		return fmt.Sprintf("%q", p.Text)
	case query.MatchNotContains:
		return fmt.Sprintf("-%q", p.Text)
	case query.MatchJSONString:
		return fmt.Sprintf("%s=%q", path(), p.Text)
	case query.MatchJSONNumber:
		return fmt.Sprintf("%s=%g", path(), p.Num)
	}
	return "?"
}

func TestPrefilter(t *testing.T) {
	for _, c := range []struct{ pattern, want string }{
		{``, `<none>`},
		{`ERROR`, `"ERROR"`},
		{`ERROR -Retry "Connection refused"`, `and("ERROR" -"Retry" "Connection refused")`},
		{`?ERROR ?WARN`, `or("ERROR" "WARN")`},
		{`?ERROR Main ?WARN Deadlock`, `or(and("ERROR" "Main") and("WARN" "Deadlock"))`},
		{`ERROR %time.?out%`, `"ERROR"`},
		{`?ERROR ?%time.?out%`, `<none>`},
		{`{ $.status = 503 }`, `.status=503`},
		{`{ $.a.b[0].c = "x" }`, `.a.b[0].c="x"`},
		{`{ $.level = ERROR && $.ms > 100 }`, `.level="ERROR"`},
		{`{ $.level = "ERROR" || $.status = 5 }`, `or(.level="ERROR" .status=5)`},
		{`{ $.level = "ERROR" || $.ms > 100 }`, `<none>`},
		{`{ ($.a = 1 || $.b = 2) && $.c = "z" }`, `and(or(.a=1 .b=2) .c="z")`},
		{`{ $.path = "/pay*" }`, `<none>`},
		{`{ $.code = "503" }`, `<none>`}, // a numeric string compares with source text
		{`{ $.status != 503 }`, `<none>`},
		{`{ $.x IS NULL }`, `<none>`},
		{`{ $.msg = %err% }`, `<none>`},
		{`[ip, user, status = 5*]`, `<none>`},
	} {
		p, err := Parse(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		if got := show(p.Prefilter()); got != c.want {
			t.Errorf("Prefilter(%s) = %s, want %s", c.pattern, got, c.want)
		}
	}
}
