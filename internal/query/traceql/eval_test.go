package traceql

import (
	"fmt"
	"strings"
	"testing"

	"lookout/internal/model"
)

func TestMatched(t *testing.T) {
	svc := func(s string) model.Resource {
		return model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(s)}}}
	}
	// root api "GET /" 0..300ms > db "SELECT" (error) and api "render".
	trace := []model.Span{
		{SpanID: model.SpanID{1}, Name: "GET /", Kind: model.SpanKindServer, StartUnixNano: 0, EndUnixNano: 300e6, Resource: svc("api")},
		{SpanID: model.SpanID{2}, ParentSpanID: model.SpanID{1}, Name: "SELECT", Kind: model.SpanKindClient, StatusCode: model.StatusError,
			StartUnixNano: 10e6, EndUnixNano: 60e6, Resource: svc("db"), Attributes: model.Attributes{{Key: "db.system", Value: model.StringValue("pg")}}},
		{SpanID: model.SpanID{3}, ParentSpanID: model.SpanID{1}, Name: "render", StartUnixNano: 100e6, EndUnixNano: 120e6, Resource: svc("api")},
	}
	cases := []struct{ q, want string }{ // want: the matched spans by name
		{`{ }`, "GET / SELECT render"},
		{`{ status = error }`, "SELECT"},
		{`{ resource.service.name = "api" }`, "GET / render"},
		{`{ !(span.db.system = "pg") }`, "GET / render"},
		{`{ span.db.system != "pg" }`, ""},
		{`{ rootName = "GET /" && duration < 30ms }`, "render"},
		{`{ rootName = "other" }`, ""},
		{`{ traceDuration >= 300ms && kind = client }`, "SELECT"},
		{`{ traceDuration > 300ms }`, ""},
		{`{ kind = client } && { name = "render" }`, "SELECT render"},
		{`{ kind = client } && { name = "nope" }`, ""},
		{`({ kind = client } && { name = "nope" }) || { name = "GET /" }`, "GET /"},
		{`{ } | { duration > 40ms }`, "GET / SELECT"},
		{`({ kind = client } || { name = "render" }) | { resource.service.name = "api" }`, "render"},
	}
	for _, c := range cases {
		comp, err := CompileString(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if g := matchedNames(comp, trace); g != c.want {
			t.Errorf("%s: matched %q, want %q", c.q, g, c.want)
		}
	}
}

func TestSpanConditions(t *testing.T) {
	for _, c := range []struct {
		q    string
		want string
		all  bool
	}{
		{`{ }`, "", true},
		{`{ rootName = "x" }`, "", true},
		{`{ .a = 1 && rootName = "x" }`, "[{a = [1]}]", false},
		{`{ .a = 1 } || { .b = 2 }`, "[{a = [1]}] [{b = [2]}]", false},
		{`{ .a = 1 } | { .b = 2 }`, "[{a = [1]} {b = [2]}]", false},
	} {
		comp, err := CompileString(c.q)
		if err != nil {
			t.Fatal(err)
		}
		alts, all := comp.SpanConditions()
		var parts []string
		for _, a := range alts {
			parts = append(parts, fmt.Sprint(a))
		}
		if got := strings.Join(parts, " "); got != c.want || all != c.all {
			t.Errorf("%s: %q all=%v, want %q all=%v", c.q, got, all, c.want, c.all)
		}
	}
}

func TestMatchedStructural(t *testing.T) {
	// r (api) > a (api) > a1 (db, error) > a11 (db, error); r > b (db);
	// o (api) has a parent that never came, as has o2 (its sibling);
	// x and y point at each other.
	mk := func(id, parent byte, name, svc string, st model.StatusCode) model.Span {
		s := model.Span{SpanID: model.SpanID{id}, Name: name, StatusCode: st,
			Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(svc)}}}}
		if parent != 0 {
			s.ParentSpanID = model.SpanID{parent}
		}
		return s
	}
	trace := []model.Span{
		mk(1, 0, "r", "api", 0), mk(2, 1, "a", "api", 0), mk(3, 2, "a1", "db", model.StatusError),
		mk(4, 3, "a11", "db", model.StatusError), mk(5, 1, "b", "db", 0),
		mk(6, 99, "o", "api", 0), mk(7, 99, "o2", "db", 0), mk(8, 9, "x", "loop", 0), mk(9, 8, "y", "loop", 0),
	}
	cases := []struct{ q, want string }{
		{`{ name = "r" } > { }`, "a b"},
		{`{ name = "r" } >> { }`, "a a1 a11 b"},
		{`{ resource.service.name = "api" } >> { resource.service.name = "db" }`, "a1 a11 b"},
		{`{ resource.service.name = "api" } > { resource.service.name = "db" }`, "a1 b"},
		{`{ status = error } < { }`, "a a1"},
		{`{ name = "a11" } << { }`, "r a a1"},
		{`{ name = "a" } ~ { }`, "b"},
		{`{ name = "o" } ~ { }`, "o2"},
		{`{ } ~ { name = "r" }`, ""},
		{`{ name = "x" } >> { }`, "x y"},
		{`{ name = "nope" } >> { }`, ""},
		{`{ } !< { status = error }`, "a11"},
		{`{ status = error } !< { status = error }`, "a11"},
		{`{ name = "r" } !>> { resource.service.name = "db" }`, "o2"},
		{`{ name = "r" } !> { }`, "r a1 a11 o o2 x y"},
		{`{ name = "b" } !~ { resource.service.name = "api" }`, "r o"},
		{`{ name = "a" } &> { status = error }`, "a a1"},
		{`{ name = "r" } &>> { status = error }`, "r a1 a11"},
		{`{ name = "a11" } &<< { name = "a" }`, "a a11"},
		{`{ name = "a" } &~ { }`, "a b"},
		{`{ name = "r" } > { } > { status = error }`, "a1"},
		{`({ name = "r" } >> { name = "a11" }) && { name = "o" }`, "a11 o"},
		{`({ name = "r" } > { }) | { resource.service.name = "db" }`, "b"},
	}
	for _, c := range cases {
		comp, err := CompileString(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if comp.Exact {
			t.Errorf("%s: exact, want inexact", c.q)
		}
		if g := matchedNames(comp, trace); g != c.want {
			t.Errorf("%s: matched %q, want %q", c.q, g, c.want)
		}
	}
}

// matchedNames lists the names of the spans comp matches on trace.
func matchedNames(comp *Compiled, trace []model.Span) string {
	var got []string
	for i, m := range comp.Matched(trace) {
		if m {
			got = append(got, trace[i].Name)
		}
	}
	return strings.Join(got, " ")
}
