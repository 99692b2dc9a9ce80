package traceql

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in, want string // want: the query written back, or "error: <substring>"
	}{
		{`{}`, `{ }`},
		{`{ span.http.status_code = 500 }`, `{ span.http.status_code = 500 }`},
		{`{.a=1&&.b=2||.c=3}`, `{ ((.a = 1 && .b = 2) || .c = 3) }`},
		{`{ .a = 1 && (.b = 2 || .c = 3) }`, `{ (.a = 1 && (.b = 2 || .c = 3)) }`},
		{`{ !(.a = 1) && !.b = 2 }`, `{ (!(.a = 1) && !(.b = 2)) }`},
		{`{ 500 <= span.code }`, `{ span.code >= 500 }`},
		{`{ "x" != name }`, `{ name != "x" }`},
		{`{ span."a b" = "x\"y" }`, `{ span."a b" = "x\"y" }`},
		{"{ .a = `raw\\n` }", `{ .a = "raw\\n" }`},
		{`{ .a = -1.5 && .b = -3 && .c = true && .d != nil }`, `{ (((.a = -1.5 && .b = -3) && .c = true) && .d != nil) }`},
		{`{ duration > 1.5s && traceDuration <= 1h30m && span:duration < 10µs }`, `{ ((duration > 1.5s && traceDuration <= 1h30m0s) && span:duration < 10µs) }`},
		{`{ status = error && kind = server && statusMessage =~ "time.*" }`, `{ ((status = error && kind = server) && statusMessage =~ "time.*") }`},
		{`{ resource.service.name = "api" && trace:rootService != "x" && event:name = "e" }`, `{ ((resource.service.name = "api" && trace:rootService != "x") && event:name = "e") }`},
		{`{ true } && { false }`, `({ true } && { false })`},
		{`{ .a = 1 } && { .b = 2 } || { .c = 3 }`, `(({ .a = 1 } && { .b = 2 }) || { .c = 3 })`},
		{`{ .a = 1 } || { .b = 2 } && { .c = 3 }`, `({ .a = 1 } || ({ .b = 2 } && { .c = 3 }))`},
		{`({ .a = 1 } || { .b = 2 }) && { .c = 3 }`, `(({ .a = 1 } || { .b = 2 }) && { .c = 3 })`},
		{`{ .a = 1 } >> { .b = 2 } && { .c = 3 }`, `(({ .a = 1 } >> { .b = 2 }) && { .c = 3 })`},
		{`{ .a = 1 } !~ { .b = 2 }`, `({ .a = 1 } !~ { .b = 2 })`},
		{`{ } | count() > 2`, `{ } | count() > 2`},
		{`{ } | avg(duration) > 1s | select(span.a, .b, name)`, `{ } | avg(duration) > 1s | select(span.a, .b, name)`},
		{`{ .a = 1 } | { .b = 2 }`, `{ .a = 1 } | { .b = 2 }`},
		{`{ } | rate()`, `{ } | rate()`},
		{`{status=error}|count_over_time()by(resource.service.name,name)`, `{ status = error } | count_over_time() by (resource.service.name, name)`},
		{`{ } | quantile_over_time(duration, .5, 0.99, 1)`, `{ } | quantile_over_time(duration, 0.5, 0.99, 1)`},
		{`{ } | avg_over_time(span.a) with (sample=true, most_recent=true)`, `{ } | avg_over_time(span.a) with (sample=true, most_recent=true)`},
		{`{ } with(most_recent=true)`, `{ } with (most_recent=true)`},
		{`{ } | quantile_over_time(duration, 1.5)`, `error: quantile 1.5 is not within 0..1`},
		{`{ } | quantile_over_time(duration, name)`, `error: want a quantile such as .99, got "name"`},
		{`{ } | rate() by ()`, `error: want a field`},
		{`{ } with (1 = 2)`, `error: want a hint name`},

		{`{ .a }`, `error: want a comparison after .a`},
		{`{ a = 1 }`, `error: want a value`},
		{`{ foo.a = 1 }`, `error: "foo" is not a scope`},
		{`{ .a = 1`, `error: want "}"`},
		{`{ .a = "x }`, `error: string not closed`},
		{`{ .a = 1x }`, `error: "1x" is not a number or a duration`},
		{`{ .a = 99999999999999999999 }`, `error: does not fit`},
		{`{ .a = .b }`, `error: comparing two fields`},
		{`{ .a + 1 = 2 }`, `error: arithmetic (+) is not supported yet`},
		{`{ "x" =~ .a }`, `error: a regular expression goes right of =~`},
		{`{ .a = 1 } {`, `error: unexpected "{" after the query`},
		{`{ .a = 1 } | `, `error: want a spanset or a function`},
		{`{ } | count(`, `error: want ")"`},
		{`{ } | count() =~ "1"`, `error: want a comparison (=, !=, >, >=, <, <=) after count()`},
		{`{ } | avg() > 1`, `error: want a field`},
		{`{ } | by(resource.a`, `error: by( is not closed`},
		{`.a = 1`, `error: want a spanset`},
		{`{ .a = 1 } $`, `error: unexpected '$'`},
		{`{ ` + strings.Repeat("(", MaxDepth+1) + `.a = 1` + strings.Repeat(")", MaxDepth+1) + ` }`, `error: nested deeper than`},
	}
	for _, c := range cases {
		q, err := Parse(c.in)
		if want, isErr := strings.CutPrefix(c.want, "error: "); isErr {
			var e *Error
			if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), want) {
				t.Errorf("Parse(%s): error %v, want one containing %q", c.in, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%s): %v", c.in, err)
			continue
		}
		if got := q.String(); got != c.want {
			t.Errorf("Parse(%s):\n got %s\nwant %s", c.in, got, c.want)
		}
		again, err := Parse(q.String())
		if err != nil || again.String() != q.String() {
			t.Errorf("Parse(%s) written back does not read back: %v", c.in, err)
		}
	}
}
