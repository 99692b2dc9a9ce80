package traceql

import (
	"errors"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

func TestCompile(t *testing.T) {
	cases := []struct {
		in, want string // want: the trace filter, or "error: <substring>" / "unsupported: <substring>"
	}{
		{`{ }`, `true`},
		{`{ true }`, `true`},
		{`{ false }`, `or()`},
		{`{ name = "x" }`, `span[{name = [x]}]/AND`},
		{`{ span.a = "x" }`, `span[{attribute:a = [x]}]/AND`},
		{`{ resource.a = 1 }`, `span[{resource:a = [1]}]/AND`},
		{`{ resource.service.name = "api" }`, `span[{service.name = [api]}]/AND`},
		{`{ .service.name = "api" }`, `span[{service.name = [api]}]/AND`},
		{`{ .a = 1.5 }`, `span[{a = [1.5]}]/AND`},
		{`{ .a = true }`, `span[{a = [true]}]/AND`},
		// A negated comparison needs the value: TraceQL's != is false on a
		// missing attribute, the model's is true.
		{`{ span.a != "x" }`, `span[{attribute:a exists []} {attribute:a != [x]}]/AND`},
		{`{ span.a !~ "x.*" }`, `span[{attribute:a exists []} {attribute:a does-not-match [x.*]}]/AND`},
		// ! is boolean negation: a missing attribute satisfies !(a = x).
		{`{ !(span.a = "x") }`, `span[{attribute:a != [x]}]/AND`},
		{`{ !(span.a != "x") }`, `or(span[{attribute:a = [x]}]/AND, span[{attribute:a does-not-exist []}]/AND)`},
		{`{ !(span.a > 5) }`, `or(span[{attribute:a <= [5]}]/AND, span[{attribute:a does-not-exist []}]/AND)`},
		{`{ !(.a = 1 && .b = 2) }`, `or(span[{a != [1]}]/AND, span[{b != [2]}]/AND)`},
		{`{ !(.a = 1 || .b = 2) }`, `span[{a != [1]} {b != [2]}]/AND`},
		{`{ span.a = nil }`, `span[{attribute:a does-not-exist []}]/AND`},
		{`{ !(span.a != nil) }`, `span[{attribute:a does-not-exist []}]/AND`},
		{`{ name != nil }`, `true`},
		// Intrinsics are never missing.
		{`{ name != "x" && status != error && kind != client }`, `span[{name != [x]} {status_code != [2]} {span.kind != [client]}]/AND`},
		{`{ !(duration > 100ms) }`, `span[{duration_ms <= [100]}]/AND`},
		{`{ duration >= 1.5s }`, `span[{duration_ms >= [1500]}]/AND`},
		{`{ status = ok || status = unset }`, `or(span[{status_code = [1]}]/AND, span[{status_code = [0]}]/AND)`},
		// A missing status message reads "".
		{`{ statusMessage = "" }`, `or(span[{status_message = []}]/AND, span[{status_message does-not-exist []}]/AND)`},
		{`{ statusMessage != "x" }`, `span[{status_message != [x]}]/AND`},
		{`{ statusMessage =~ "time.*" }`, `span[{status_message matches [time.*]}]/AND`},
		// An unscoped key that a column name cannot hold alone: the span's
		// attribute, else the resource's.
		{`{ .name = "n" }`, `or(span[{attribute:name = [n]}]/AND, span[{attribute:name does-not-exist []} {resource:name = [n]}]/AND)`},
		{`{ span.name = "n" }`, `span[{attribute:name = [n]}]/AND`},
		// Disjunctive form within one spanset.
		{`{ .a = 1 && (.b = 2 || .c = 3) }`, `or(span[{a = [1]} {b = [2]}]/AND, span[{a = [1]} {c = [3]}]/AND)`},
		// Trace-level intrinsics.
		{`{ rootName = "GET /" && rootServiceName = "api" }`, `root[{name = [GET /]} {service.name = [api]}]/AND`},
		{`{ traceDuration > 1s && span.a = 1 }`, `and(span[{attribute:a = [1]}]/AND, trace.duration_ms > 1000)`},
		{`{ !(trace:duration > 1s) }`, `trace.duration_ms <= 1000`},
		// Span events: any event.
		{`{ event:name = "exception" && event.exception.type =~ "IO.*" }`, `span[{event.name = [exception]} {event.exception.type matches [IO.*]}]/AND`},
		{`{ !(event:name = "exception") }`, `span[{event.name != [exception]}]/AND`},
		// Spanset operators and pipeline filters.
		{`{ .a = 1 } && { .b = 2 }`, `and(span[{a = [1]}]/AND, span[{b = [2]}]/AND)`},
		{`{ .a = 1 } || { .b = 2 }`, `or(span[{a = [1]}]/AND, span[{b = [2]}]/AND)`},
		{`{ .a = 1 } | { .b = 2 }`, `span[{a = [1]} {b = [2]}]/AND`},
		{`({ .a = 1 } && { .b = 2 }) | { .c = 3 }`, `and(span[{a = [1]}]/AND, span[{b = [2]}]/AND, or(span[{a = [1]} {c = [3]}]/AND, span[{b = [2]} {c = [3]}]/AND))`},
		{`{ .a = 1 } | select(span.b, status)`, `span[{a = [1]}]/AND`},

		{`{ status = "error" }`, `error: status compares with error, ok or unset`},
		{`{ status > error }`, `error: compares with = or !=`},
		{`{ kind = "server" }`, `error: kind compares with unspecified`},
		{`{ duration > 100 }`, `error: duration compares with a duration`},
		{`{ .a = 1s }`, `error: a duration such as 1s compares with duration or traceDuration`},
		{`{ .a = error }`, `error: error compares with status`},
		{`{ name = 1 }`, `error: name compares with a string`},
		{`{ .a =~ 1 }`, `error: =~ takes a regular expression in quotes`},
		{`{ .a =~ "(" }`, `error: regular expression "("`},
		{`{ .a > true }`, `error: a boolean compares with = or !=`},
		{`{ .a = 1 || .a = 2 || .a = 3 || .a = 4 || .a = 5 || .a = 6 || .a = 7 || .a = 8 } && { (.b = 1 || .b = 2 || .b = 3 || .b = 4 || .b = 5 || .b = 6 || .b = 7 || .b = 8 || .b = 9) && (.c = 1 || .c = 2 || .c = 3 || .c = 4 || .c = 5 || .c = 6 || .c = 7 || .c = 8) }`,
			`error: more than 64 alternatives`},
		{`{ } | frobnicate()`, `error: unknown function frobnicate()`},

		{`{ .a = 1 } > { .b = 2 }`, `and(span[{a = [1]}]/AND, span[{b = [2]}]/AND)`},
		{`{ .a = 1 } !< { .b = 2 }`, `span[{b = [2]}]/AND`},
		{`{ .a = 1 } &>> { .b = 2 }`, `and(span[{a = [1]}]/AND, span[{b = [2]}]/AND)`},
		{`({ .a = 1 } &>> { .b = 2 }) | { .c = 3 }`, `and(span[{a = [1]}]/AND, span[{b = [2]}]/AND, or(span[{a = [1]} {c = [3]}]/AND, span[{b = [2]} {c = [3]}]/AND))`},
		{`({ .a = 1 } >> { .b = 2 }) | { .c = 3 }`, `and(span[{a = [1]}]/AND, span[{b = [2]} {c = [3]}]/AND)`},
		{`{ .a = 1 } ~ { .b = 2 } | count() > 1`, `unsupported: count() after the spanset operator ~`},
		{`{ } | count() > 2`, `COUNT[]/AND > 2`},
		{`{ kind = client } | count() >= 2`, `COUNT[{span.kind = [client]}]/AND >= 2`},
		{`{ .a = 1 || .b = 2 } | avg(duration) > 1s`, `AVG(duration_ms)[{a = [1]} {b = [2]}]/OR > 1000`},
		{`{ .a = 1 } | { .b = 2 } | max(span.code) < 500 | min(.x) != -1.5`,
			`and(MIN(x)[{a = [1]} {b = [2]}]/AND != -1.5, MAX(attribute:code)[{a = [1]} {b = [2]}]/AND < 500)`},
		{`{ } | count() > 1 | { .a = 1 }`, `and(COUNT[]/AND > 1, span[{a = [1]}]/AND)`},
		{`{ } | avg(name) > 1`, `error: avg() takes a number or a duration of the span, not name`},
		{`{ } | avg(duration) > 1`, `error: avg(duration) compares with a duration such as 100ms, not 1`},
		{`{ } | count() > 1s`, `error: count() compares with a number, not 1s`},
		{`{ .a = 1 && (.b = 2 || .c = 3) } | count() > 1`, `unsupported: count() over a spanset whose condition nests && within ||`},
		{`{ rootName = "x" } | count() > 1`, `unsupported: count() over a spanset with conditions on the root span or the trace`},
		{`{ .a = 1 } && { .b = 1 } | count() > 1`, `unsupported: count() after the spanset operator &&`},
		{`{ } | sum(event.a) > 1`, `error: sum() takes a number or a duration of the span`},
		{`{ } | rate()`, `error: rate() makes a metrics query: ask /api/metrics/query_range`},
		{`{ } | compare({ status = error })`, `unsupported: the metrics function compare()`},
		{`{ } with (most_recent=true)`, `true`},
		{`{ } | by(resource.service.name)`, `unsupported: by()`},
		{`{ link.a = 1 }`, `unsupported: the link scope`},
		{`{ parent.span.a = 1 }`, `unsupported: the parent scope`},
		{`{ instrumentation.a = 1 }`, `unsupported: the instrumentation scope`},
		{`{ nestedSetParent = 1 }`, `unsupported: nestedSetParent = 1 (only comparisons`},
		{`{ nestedSetParent < 0 }`, `span[{trace.parent_id does-not-exist []}]/AND`},
		{`{ span:nestedSetParent = -1 && name = "x" }`, `span[{trace.parent_id does-not-exist []} {name = [x]}]/AND`},
		{`{ !(nestedSetParent < 0) }`, `span[{trace.parent_id exists []}]/AND`},
		{`{ nestedSetParent >= 0 }`, `span[{trace.parent_id exists []}]/AND`},
		{`{ nestedSetParent > -5 }`, `true`},
		{`{ nestedSetParent < -1 }`, `or()`},
		{`{ nestedSetLeft > 0 }`, `unsupported: the intrinsic nestedSetLeft`},
		{`{ event.a != "x" }`, `unsupported: != event.a on span events`},
		{`{ !(event.a > 1) }`, `unsupported: negating event.a > 1 on span events`},
		{`{ .a * 2 = 4 }`, `unsupported: arithmetic (*)`},
	}
	for _, c := range cases {
		got, err := CompileString(c.in)
		switch {
		case wantsError(t, c.in, c.want, err):
		case err != nil:
			t.Errorf("%s: %v", c.in, err)
		default:
			if got.Where.String() != c.want {
				t.Errorf("%s:\n got %s\nwant %s", c.in, got.Where, c.want)
			}
			q := query.TraceQuery{Start: time.Unix(0, 0), End: time.Unix(1, 0), Where: got.Where}
			if err := q.Normalize(); err != nil {
				t.Errorf("%s: the filter is not valid: %v", c.in, err)
			}
		}
	}
}

func TestFields(t *testing.T) {
	c, err := CompileString(`{ span.a = 1 && .b = 2 && name = "x" && resource.r = 3 && span.a > 0 } | select(status, span.s, rootName)`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range c.Fields {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "a,b,r,status,s" {
		t.Errorf("fields %s", got)
	}
	sp := model.Span{StatusCode: model.StatusError, Attributes: model.Attributes{{Key: "a", Value: model.IntValue(7)}},
		Resource: model.Resource{Attributes: model.Attributes{{Key: "b", Value: model.StringValue("from-resource")}}}}
	for i, want := range []string{"7", "from-resource", "", "error", ""} {
		v, ok := c.Fields[i].Value(&sp)
		if ok != (want != "") || v.AsString() != want {
			t.Errorf("field %s: %v %v, want %q", c.Fields[i].Name, v, ok, want)
		}
	}
}

func TestTagValuesOf(t *testing.T) {
	for _, c := range []struct {
		tag  string
		want TagValues
		err  string
	}{
		{"resource.service.name", TagValues{Column: query.ColService}, ""},
		{"resource.region", TagValues{Column: "resource:region"}, ""},
		{"span.http.method", TagValues{Column: "attribute:http.method"}, ""},
		{".http.method", TagValues{Column: "http.method"}, ""},
		{".name", TagValues{Column: "attribute:name"}, ""},
		{`span."a b"`, TagValues{Column: "attribute:a b"}, ""},
		{"name", TagValues{Column: query.ColName}, ""},
		{"status", TagValues{Column: query.ColStatusCode, Status: true, Keyword: true}, ""},
		{"span:kind", TagValues{Column: query.ColKind, Keyword: true}, ""},
		{"rootServiceName", TagValues{Column: query.ColService, Root: true}, ""},
		{"event:name", TagValues{Column: "event.name"}, ""},
		{"duration", TagValues{None: true}, ""},
		{"traceDuration", TagValues{None: true}, ""},
		{"link.a", TagValues{}, "link scope"},
		{"span.a = 1", TagValues{}, "after the field"},
		{"bogus", TagValues{}, "want a field"},
	} {
		f, err := ParseField(c.tag)
		var got TagValues
		if err == nil {
			got, err = TagValuesOf(f)
		}
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want %q", c.tag, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: %+v, %v; want %+v", c.tag, got, err, c.want)
		}
	}
}

// wantsError reports whether want ("error: <substring>" or "unsupported:
// <substring>") expects an error, and checks err against it.
func wantsError(t *testing.T, in, want string, err error) bool {
	t.Helper()
	msg, isErr := strings.CutPrefix(want, "error: ")
	msgUns, isUns := strings.CutPrefix(want, "unsupported: ")
	if !isErr && !isUns {
		return false
	}
	if isUns {
		msg = msgUns
	}
	var e *Error
	if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), msg) || e.Unsupported != isUns {
		t.Errorf("%s: error %v (unsupported %v), want one containing %q (unsupported %v)", in, err, e != nil && e.Unsupported, msg, isUns)
	}
	return true
}
