package storetest

import (
	"fmt"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// The search fixture: five traces in project p1 and one in p2.
//
//	A  0s    .. 100ms  frontend "GET /cart"  > cart "getCart" (http.status_code=200) > db "SELECT" (error)
//	B  1s    .. 3s     frontend "GET /checkout" (ok) > payment "charge" (error, 500), payment "refund" (retry=true)
//	C  2s    .. 3s     no root: cart "orphan-early" > db "orphan-late"
//	D  2.9s  .. 3.5s   root frontend "GET /skew" starts after its child cart "skewed-child"
//	E  -1h   .. +50ms  frontend "GET /old"
//	F  (p2, same id as A) 5s .. 15s other "GET /other"
var (
	traceA, traceB, traceC, traceD, traceE = tid(0xa), tid(0xb), tid(0xc), tid(0xd), tid(0xe)
)

func searchFixture() []model.Span {
	ms := time.Millisecond
	a1 := span("p1", traceA, 1, 0, "frontend", "GET /cart", 0, 100*ms)
	a1.Resource = resource("frontend", str("deployment.environment", "prod"))
	a3 := span("p1", traceA, 3, 2, "db", "SELECT", 20*ms, 10*ms, str("db.system", "postgres"))
	a3.StatusCode = model.StatusError
	b1 := span("p1", traceB, 1, 0, "frontend", "GET /checkout", time.Second, 2*time.Second)
	b1.Resource = resource("frontend", str("deployment.environment", "staging"))
	b1.StatusCode = model.StatusOK
	b2 := span("p1", traceB, 2, 1, "payment", "charge", 1100*ms, 500*ms, kv("http.status_code", model.IntValue(500)))
	b2.StatusCode = model.StatusError
	return []model.Span{
		a1,
		span("p1", traceA, 2, 1, "cart", "getCart", 10*ms, 50*ms, kv("http.status_code", model.IntValue(200))),
		a3,
		b1, b2,
		span("p1", traceB, 3, 1, "payment", "refund", 1700*ms, 300*ms, kv("retry", model.BoolValue(true))),
		span("p1", traceC, 1, 0x99, "cart", "orphan-early", 2*time.Second, 500*ms),
		span("p1", traceC, 2, 1, "db", "orphan-late", 2100*ms, 900*ms),
		span("p1", traceD, 2, 1, "cart", "skewed-child", 2900*ms, 50*ms),
		span("p1", traceD, 1, 0, "frontend", "GET /skew", 3*time.Second, 500*ms),
		span("p1", traceE, 1, 0, "frontend", "GET /old", -time.Hour, 50*ms),
		span("p2", traceA, 1, 0, "other", "GET /other", 5*time.Second, 10*time.Second),
	}
}

// The expected summaries, worked out by hand from the fixture.
var summaries = map[string]store.TraceSummary{
	"A": {TraceID: traceA, RootServiceName: "frontend", RootTraceName: "GET /cart", StartUnixNano: at(0), DurationNano: int64(100 * time.Millisecond), SpanCount: 3, ErrorCount: 1},
	"B": {TraceID: traceB, RootServiceName: "frontend", RootTraceName: "GET /checkout", StartUnixNano: at(time.Second), DurationNano: int64(2 * time.Second), SpanCount: 3, ErrorCount: 1},
	"C": {TraceID: traceC, RootServiceName: "cart", RootTraceName: "orphan-early", StartUnixNano: at(2 * time.Second), DurationNano: int64(time.Second), SpanCount: 2},
	"D": {TraceID: traceD, RootServiceName: "frontend", RootTraceName: "GET /skew", StartUnixNano: at(2900 * time.Millisecond), DurationNano: int64(600 * time.Millisecond), SpanCount: 2},
	"E": {TraceID: traceE, RootServiceName: "frontend", RootTraceName: "GET /old", StartUnixNano: at(-time.Hour), DurationNano: int64(50 * time.Millisecond), SpanCount: 1},
	"F": {TraceID: traceA, RootServiceName: "other", RootTraceName: "GET /other", StartUnixNano: at(5 * time.Second), DurationNano: int64(10 * time.Second), SpanCount: 1},
}

func tags(kv ...string) []store.Tag {
	var ts []store.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, store.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return ts
}

func searchCases(Backend) []testCase {
	ms := time.Millisecond
	sec := time.Second
	p1 := func(q store.TraceQuery) store.TraceQuery { q.Project = "p1"; return q }
	queries := []struct {
		name string
		q    store.TraceQuery
		want []string // summaries, in order
	}{
		{"All", p1(store.TraceQuery{}), []string{"D", "C", "B", "A", "E"}},
		{"Name", p1(store.TraceQuery{Tags: tags("name", "GET /checkout")}), []string{"B"}},
		{"NameOfChild", p1(store.TraceQuery{Tags: tags("name", "SELECT")}), []string{"A"}},
		{"StatusError", p1(store.TraceQuery{Tags: tags("status", "error")}), []string{"B", "A"}},
		{"StatusOK", p1(store.TraceQuery{Tags: tags("status", "ok")}), []string{"B"}},
		{"StatusUnset", p1(store.TraceQuery{Tags: tags("status", "unset")}), []string{"D", "C", "B", "A", "E"}},
		{"StatusUnknown", p1(store.TraceQuery{Tags: tags("status", "bogus")}), nil},
		{"Service", p1(store.TraceQuery{Tags: tags("service.name", "payment")}), []string{"B"}},
		{"ServiceOfChildren", p1(store.TraceQuery{Tags: tags("service.name", "db")}), []string{"C", "A"}},
		{"SpanAttributeInt", p1(store.TraceQuery{Tags: tags("http.status_code", "500")}), []string{"B"}},
		{"SpanAttributeBool", p1(store.TraceQuery{Tags: tags("retry", "true")}), []string{"B"}},
		{"ResourceAttribute", p1(store.TraceQuery{Tags: tags("deployment.environment", "prod")}), []string{"A"}},
		{"SameSpan", p1(store.TraceQuery{Tags: tags("service.name", "payment", "status", "error")}), []string{"B"}},
		{"SameSpanAttribute", p1(store.TraceQuery{Tags: tags("name", "charge", "http.status_code", "500")}), []string{"B"}},
		{"SpanAndResource", p1(store.TraceQuery{Tags: tags("name", "GET /cart", "deployment.environment", "prod")}), []string{"A"}},
		{"TagsOnDifferentSpans", p1(store.TraceQuery{Tags: tags("status", "error", "retry", "true")}), nil},
		{"TagsOnDifferentSpans2", p1(store.TraceQuery{Tags: tags("service.name", "db", "http.status_code", "200")}), nil},
		{"ResourceOfOtherSpan", p1(store.TraceQuery{Tags: tags("name", "SELECT", "deployment.environment", "prod")}), nil},
		{"UnknownKey", p1(store.TraceQuery{Tags: tags("nope", "1")}), nil},
		{"ValueMismatch", p1(store.TraceQuery{Tags: tags("db.system", "mysql")}), nil},
		{"Window", p1(store.TraceQuery{Start: T0.Add(1500 * ms), End: T0.Add(2050 * ms)}), []string{"C", "B"}},
		{"WindowEndExclusive", p1(store.TraceQuery{Start: T0.Add(-2 * time.Hour), End: T0}), []string{"E"}},
		{"WindowTouchesEnd", p1(store.TraceQuery{Start: T0.Add(3500 * ms), End: T0.Add(time.Hour)}), []string{"D"}},
		{"WindowOnlyStart", p1(store.TraceQuery{Start: T0.Add(2950 * ms)}), []string{"D", "C", "B"}},
		{"WindowOnlyEnd", p1(store.TraceQuery{End: T0.Add(time.Millisecond)}), []string{"A", "E"}},
		{"MinDuration", p1(store.TraceQuery{MinDuration: sec}), []string{"C", "B"}},
		{"MaxDuration", p1(store.TraceQuery{MaxDuration: 600 * ms}), []string{"D", "A", "E"}},
		{"MinMaxDuration", p1(store.TraceQuery{MinDuration: 60 * ms, MaxDuration: sec}), []string{"D", "C", "A"}},
		{"Limit", p1(store.TraceQuery{Limit: 2}), []string{"D", "C"}},
		{"LimitWithTags", p1(store.TraceQuery{Tags: tags("status", "unset"), Limit: 1}), []string{"D"}},
		{"Combined", p1(store.TraceQuery{Tags: tags("service.name", "frontend"), Start: T0.Add(500 * ms), End: T0.Add(10 * sec), MinDuration: sec}), []string{"B"}},
		{"OtherProject", store.TraceQuery{Project: "p2"}, []string{"F"}},
		{"UnknownProject", store.TraceQuery{Project: "p3"}, nil},
	}
	return []testCase{
		{name: "Queries", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			mustWrite(t, s, &model.Batch{Spans: searchFixture()})
			for _, c := range queries {
				t.Run(c.name, func(t *testing.T) {
					got, err := s.SearchTraces(ctx(t), c.q)
					if err != nil {
						t.Fatalf("search: %v", err)
					}
					var want []store.TraceSummary
					for _, k := range c.want {
						want = append(want, summaries[k])
					}
					sameSummaries(t, got, want)
				})
			}
		}},
		{name: "DefaultLimit", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			var spans []model.Span
			for i := range 25 {
				spans = append(spans, span("p1", tid(byte(i+1)), 1, 0, "web", fmt.Sprint(i), time.Duration(i)*time.Second, time.Millisecond))
			}
			mustWrite(t, s, &model.Batch{Spans: spans})
			got, err := s.SearchTraces(ctx(t), store.TraceQuery{Project: "p1"})
			if err != nil {
				t.Fatalf("search: %v", err)
			}
			if len(got) != 20 || got[0].RootTraceName != "24" || got[19].RootTraceName != "5" {
				t.Errorf("got %d summaries (first %+v), want 20, newest first (24 .. 5)", len(got), first(got))
			}
		}},
	}
}

func first(s []store.TraceSummary) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

func sameSummaries(t *testing.T, got, want []store.TraceSummary) {
	t.Helper()
	name := func(s []store.TraceSummary) []string {
		var out []string
		for _, x := range s {
			out = append(out, x.RootTraceName)
		}
		return out
	}
	if len(got) != len(want) {
		t.Fatalf("got %d traces %q, want %d %q", len(got), name(got), len(want), name(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("summary %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}
