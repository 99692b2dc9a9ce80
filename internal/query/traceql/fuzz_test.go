package traceql

import (
	"errors"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// FuzzParse: Parse never panics and fails only with an *Error at an offset
// within the input; what it accepts writes back to a query that parses to
// the same text; Compile never panics, fails only with an *Error, and what
// it compiles is a valid trace filter whose Go matcher runs on a trace;
// CompileMetrics likewise gives a valid query or an *Error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{}`, `{ span.http.status_code >= 500 && resource.service.name = "api" }`,
		`{ .a = 1 && (.b = "x" || !(.c =~ "y.*")) }`, `{ status = error } && { kind = client } || { duration > 1.5s }`,
		`{ rootName = "GET /" && traceDuration < 2s && statusMessage != "" }`, `{ event:name = "exception" } | select(span.a)`,
		`{ span."a b" != nil } | { .c = true }`, `{ } | count() > 2`, `{ .a = 1 } >> { .b = -2.5 }`, "{ .a = `r` }", `{`, `{ "`,
		`{ kind = server } > { status = error } && { } << { .a = 1 }`, `{ status = error } | rate() by (resource.service.name) with (sample=true)`,
		`{ } | quantile_over_time(duration, .5, .99) by (name)`, `{ .a = 1 } | avg_over_time(span.b) | topk(2)`, `{ } !< { } | { name = "x" }`, `({ } &~ { }) || { } !>> { }`,
	} {
		f.Add(s)
	}
	trace := []model.Span{
		{SpanID: model.SpanID{1}, Name: "root", Kind: model.SpanKindServer, StartUnixNano: 1e9, EndUnixNano: 2e9,
			Attributes: model.Attributes{{Key: "a", Value: model.IntValue(1)}},
			Resource:   model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("api")}}}},
		{Name: "child", ParentSpanID: model.SpanID{1}, StatusCode: model.StatusError, StartUnixNano: 1e9, EndUnixNano: 15e8,
			Events: []model.SpanEvent{{Name: "exception"}}, SpanID: model.SpanID{2}},
		{Name: "sibling", ParentSpanID: model.SpanID{1}, SpanID: model.SpanID{3}},
		{Name: "loop", ParentSpanID: model.SpanID{5}, SpanID: model.SpanID{4}},
		{Name: "loop", ParentSpanID: model.SpanID{4}, SpanID: model.SpanID{5}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos < 0 || e.Pos > len(s) {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			return
		}
		written := q.String()
		again, err := Parse(written)
		if err != nil || again.String() != written {
			t.Fatalf("Parse(%q) writes %q, which reads back as %v, %v", s, written, again, err)
		}
		if m, err := CompileMetrics(q); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("CompileMetrics(%q): %v", s, err)
			}
		} else if mq := m.Query(time.Unix(0, 0), time.Unix(10, 0), time.Second); mq.Normalize() != nil {
			t.Fatalf("CompileMetrics(%q) = %+v: %v", s, mq, mq.Normalize())
		}
		c, err := Compile(q)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q): %v", s, err)
			}
			return
		}
		tq := query.TraceQuery{Start: time.Unix(0, 0), End: time.Unix(10, 0), Where: c.Where}
		if err := tq.Normalize(); err != nil {
			t.Fatalf("Compile(%q) = %s: %v", s, c.Where, err)
		}
		if got := c.Matched(trace); len(got) != len(trace) {
			t.Fatalf("Matched: %d results for %d spans", len(got), len(trace))
		}
	})
}
