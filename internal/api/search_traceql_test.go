package api

import (
	"context"
	"net/url"
	"testing"
	"time"

	"lookout/internal/model"
)

func traceQL(q string) string { return "/api/search?q=" + url.QueryEscape(q) }

func TestSearchTraceQL(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, nil)
	a, b, x, s := traceA.String(), traceB.String(), traceX.String(), traceS.String()
	run(t, srv, []scenario{
		{name: "tempo shape", url: traceQL(`{ span.http.status_code = 500 }`), status: 200,
			json: `{"traces":[{"traceID":"` + b + `","rootServiceName":"payment","rootTraceName":"POST /pay",
				"startTimeUnixNano":"1741601400000000000","durationMs":2000,
				"spanSets":[{"matched":1,"spans":[{"spanID":"f001020304050601","name":"POST /pay",
					"startTimeUnixNano":"1741601400000000000","durationNanos":"2000000000",
					"attributes":[{"key":"service.name","value":{"stringValue":"payment"}},
					              {"key":"http.status_code","value":{"intValue":"500"}}]}]}],
				"spanSet":{"matched":1}}],
				"metrics":{"inspectedTraces":1,"inspectedSpans":1,"completedJobs":1,"totalJobs":1}}`},
		{name: "every trace, newest first", url: traceQL(`{}`), status: 200, json: hits(s, x, b, a)},
		{name: "matched spans of a trace", url: traceQL(`{ }`) + "&start=" + unix(-time.Minute) + "&end=" + unix(time.Minute), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"matched":2,"spans":[{"name":"GET /cart"},{"name":"SELECT cart"}]}]}]}`},
		{name: "spss", url: traceQL(`{ }`) + "&spss=1&start=" + unix(-time.Minute) + "&end=" + unix(time.Minute), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"matched":2,"spans":[{"name":"GET /cart"}]}]}]}`},
		{name: "resource attribute", url: traceQL(`{ resource.service.name = "checkout" }`), status: 200, json: hits(s, a)},
		{name: "root service of a child match", url: traceQL(`{ status = error && span.db.system = "postgres" }`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","rootServiceName":"checkout","rootTraceName":"GET /cart","durationMs":120,
				"spanSets":[{"matched":1,"spans":[{"name":"SELECT cart","attributes":[
					{"key":"service.name","value":{"stringValue":"db"}},{"key":"db.system","value":{"stringValue":"postgres"}}]}]}]}]}`},
		{name: "status", url: traceQL(`{ status = error }`), status: 200, json: hits(b, a)},
		{name: "duration", url: traceQL(`{ duration > 1s }`), status: 200, json: hits(b)},
		{name: "regex", url: traceQL(`{ name =~ "GET .*" }`), status: 200, json: hits(s, a)},
		{name: "trace level", url: traceQL(`{ rootName = "GET /cart" && kind = client }`), status: 200, json: hits(a)},
		{name: "spanset and", url: traceQL(`{ kind = client } && { span.ok = true }`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"matched":2}]}]}`},
		{name: "typed attributes", url: traceQL(`{ span.ok = true && span.ratio > 0.2 }`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"spans":[{"attributes":[{"key":"service.name"},
				{"key":"ok","value":{"boolValue":true}},{"key":"ratio","value":{"doubleValue":0.25}}]}]}]}]}`},
		{name: "select", url: traceQL(`{ name = "SELECT cart" } | select(span.db.system, statusMessage)`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"spans":[{"attributes":[{"key":"service.name"},
				{"key":"db.system","value":{"stringValue":"postgres"}},{"key":"statusMessage","value":{"stringValue":"deadlock"}}]}]}]}]}`},
		{name: "no match", url: traceQL(`{ name = "nope" }`), status: 200, json: `{"traces":[],"metrics":{"inspectedTraces":0}}`},
		{name: "min duration", url: traceQL(`{ }`) + "&minDuration=1s", status: 200, json: hits(b)},
		{name: "max duration", url: traceQL(`{ resource.service.name = "checkout" }`) + "&maxDuration=100ms", status: 200, json: hits(s)},
		{name: "window", url: traceQL(`{ }`) + "&start=" + unix(5*time.Minute) + "&end=" + unix(30*time.Minute), status: 200, json: hits(x, b)},
		{name: "limit", url: traceQL(`{ }`) + "&limit=2", status: 200, json: hits(s, x)},
		{name: "older than the default window", url: traceQL(`{ name = "GET /health" }`) + "&start=0", status: 200,
			json: hits(traceC.String())},

		{name: "child", url: traceQL(`{ resource.service.name = "checkout" } > { status = error }`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"matched":1,"spans":[{"name":"SELECT cart"}]}]}]}`},
		{name: "parent", url: traceQL(`{ status = error } < { }`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"matched":1,"spans":[{"name":"GET /cart"}]}]}]}`},
		{name: "no relation", url: traceQL(`{ status = error } > { }`), status: 200, json: `{"traces":[]}`},
		{name: "leaves", url: traceQL(`{ } !< { }`) + "&limit=2", status: 200, json: hits(s, x)},
		{name: "aggregate", url: traceQL(`{ } | count() > 1`), status: 200,
			json: `{"traces":[{"traceID":"` + a + `","spanSets":[{"matched":2}]}]}`},
		{name: "aggregate of a duration", url: traceQL(`{ resource.service.name = "checkout" } | avg(duration) > 100ms`), status: 200, json: hits(a)},
		{name: "aggregate after a spanset operator", url: traceQL(`{ } && { } | count() > 1`), status: 400,
			json: `{"error":"q: at 13: count() after the spanset operator && is not supported yet"}`, contains: []string{`operator && is`}},
		{name: "metrics function", url: traceQL(`{ } | rate()`), status: 400,
			json: `{"error":"q: at 6: rate() makes a metrics query: ask /api/metrics/query_range or /api/metrics/query, not a search"}`},
		{name: "type", url: traceQL(`{ status = "error" }`), status: 400,
			json: `{"error":"q: at 2: status compares with error, ok or unset, not \"error\""}`},
		{name: "syntax", url: traceQL(`{ span.http.status_code = `), status: 400, contains: []string{`"error":"q: at 26: want a value`}},
		{name: "bad spss", url: traceQL(`{ }`) + "&spss=x", status: 400, json: `{"error":"spss: \"x\": want a non-negative integer"}`},
		{name: "bad min duration", url: traceQL(`{ }`) + "&minDuration=x", status: 400, contains: []string{`"error":"minDuration: `}},
	})
}

func TestTraceLookupWithQuery(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	a, b := traceA.String(), traceB.String()
	run(t, srv, []scenario{
		{name: "matching", url: "/api/v2/traces/" + a + "?q=" + url.QueryEscape(`{ status = error }`), status: 200, contains: []string{`"trace":{"resourceSpans"`}},
		{name: "v1 matching", url: "/api/traces/" + a + "?q=" + url.QueryEscape(`{ rootName = "GET /cart" }`), status: 200, contains: []string{`"resourceSpans"`}},
		{name: "every trace", url: "/api/v2/traces/" + b + "?q=" + url.QueryEscape(`{}`), status: 200, contains: []string{`"POST /pay"`}},
		{name: "structural", url: "/api/v2/traces/" + a + "?q=" + url.QueryEscape(`{ } > { status = error }`), status: 200, contains: []string{`"SELECT cart"`}},
		{name: "structural, not related", url: "/api/v2/traces/" + a + "?q=" + url.QueryEscape(`{ status = error } > { }`), status: 404,
			json: `{"error":"trace ` + a + ` does not match q"}`},
		{name: "not matching", url: "/api/v2/traces/" + b + "?q=" + url.QueryEscape(`{ name = "GET /cart" }`), status: 404,
			json: `{"error":"trace ` + b + ` does not match q"}`},
		{name: "bad query", url: "/api/v2/traces/" + a + "?q=" + url.QueryEscape(`{ a`), status: 400, contains: []string{`"error":"q: `}},
		{name: "unknown trace", url: "/api/v2/traces/" + unknownTrace.String() + "?q=" + url.QueryEscape(`{}`), status: 404},
	})
}

// TestSearchStructuralPages pages through candidates a structural query
// does not match until it has its limit: the newest 300 traces have no
// child span, the two oldest do.
func TestSearchStructuralPages(t *testing.T) {
	st := openStore(t)
	var b model.Batch
	for i := range 302 {
		id := model.TraceID{0xaa, byte(i >> 8), byte(i)}
		b.Spans = append(b.Spans, model.Span{Project: model.DefaultProject, TraceID: id, SpanID: model.SpanID{1}, Name: "root",
			StartUnixNano: at(time.Duration(302-i) * time.Second), EndUnixNano: at(time.Duration(302-i)*time.Second + time.Millisecond)})
		if i >= 300 {
			b.Spans = append(b.Spans, model.Span{Project: model.DefaultProject, TraceID: id, SpanID: model.SpanID{2}, ParentSpanID: model.SpanID{1},
				Name: "child", StartUnixNano: at(time.Duration(302-i) * time.Second), EndUnixNano: at(time.Duration(302-i)*time.Second + time.Millisecond)})
		}
	}
	if err := st.Write(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, st, nil)
	run(t, srv, []scenario{
		{name: "both beyond the first batch", url: traceQL(`{ name = "root" } > { }`) + "&limit=5&start=" + unix(0) + "&end=" + unix(time.Hour), status: 200,
			json: `{"traces":[{"traceID":"aa012c00000000000000000000000000","spanSets":[{"spans":[{"name":"child"}]}]},
				{"traceID":"aa012d00000000000000000000000000"}],"metrics":{"inspectedTraces":302}}`},
		{name: "limit reached", url: traceQL(`{ name = "root" } > { }`) + "&limit=1&start=" + unix(0) + "&end=" + unix(time.Hour), status: 200,
			json: `{"traces":[{"traceID":"aa012c00000000000000000000000000"}],"metrics":{"inspectedTraces":301}}`},
	})
}
