package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// Trace-level filter cases (store.TraceFinder): a generated set of traces of
// one to five spans, answered by a brute-force oracle over the same spans.

// traceFixture generates n traces of project p1 whose spans start within
// [T0-10m, T0+1h+10m) (some straddle the window's edges), plus traces of p2
// and of p1 far outside the window that no query may return.
//
//	root      SERVER span of api/web, 0–3 children (CLIENT/INTERNAL) of api,
//	          web, worker or db; every 9th trace has no parentless span
//	attrs     http.status_code (int) 200/404/500, tier gold/free on roots,
//	          user on some children
func traceFixture(n int) (in, noise []model.Span) {
	r := rand.New(rand.NewPCG(3, 5))
	services := []string{"api", "web", "worker", "db"}
	mk := func(i int, project string, start time.Duration) []model.Span {
		var tr model.TraceID
		tr[0], tr[1], tr[2], tr[3] = 0x7e, byte(i>>8), byte(i), byte(r.IntN(256))
		tr[15] = byte(r.IntN(256))
		code := []int64{200, 200, 200, 404, 500}[r.IntN(5)]
		tier := []string{"gold", "free", "free"}[r.IntN(3)]
		rootDur := time.Duration(1+r.IntN(200)) * time.Millisecond
		root := model.Span{Project: project, TraceID: tr, SpanID: model.SpanID{2, byte(i >> 8), byte(i), 1},
			Name: "GET /x", Kind: model.SpanKindServer, StartUnixNano: at(start), EndUnixNano: at(start + rootDur),
			Attributes: model.Attributes{kv("http.status_code", model.IntValue(code)), str("tier", tier)},
			Resource:   resource(services[r.IntN(2)])}
		if code == 500 {
			root.StatusCode = model.StatusError
		}
		if i%9 == 4 {
			root.ParentSpanID = model.SpanID{9, 9, 9, 9, 9, 9, 9, 9} // its parent never came
		}
		spans := []model.Span{root}
		for k := range r.IntN(4) {
			off := time.Duration(r.IntN(300)) * time.Millisecond
			if i%23 == 0 { // a child far later than its root: across the window's edge
				off = 9 * time.Minute
			}
			child := model.Span{Project: project, TraceID: tr, SpanID: model.SpanID{2, byte(i >> 8), byte(i), byte(k + 2)},
				ParentSpanID: root.SpanID, Name: fmt.Sprintf("call-%d", k), Kind: []model.SpanKind{model.SpanKindClient, model.SpanKindInternal}[r.IntN(2)],
				StartUnixNano: at(start + off), EndUnixNano: at(start + off + time.Duration(1+r.IntN(50))*time.Millisecond),
				Resource: resource(services[r.IntN(len(services))])}
			if c := []int64{0, 0, 200, 500, 429}[r.IntN(5)]; c != 0 {
				child.Attributes = append(child.Attributes, kv("http.status_code", model.IntValue(c)))
			}
			if r.IntN(4) == 0 {
				child.Attributes = append(child.Attributes, str("user", fmt.Sprintf("u%d", r.IntN(5))))
			}
			spans = append(spans, child)
		}
		return spans
	}
	for i := range n {
		start := time.Duration(r.Int64N(int64(time.Hour+20*time.Minute))) - 10*time.Minute
		in = append(in, mk(i, "p1", start)...)
	}
	for i := range 30 {
		noise = append(noise, mk(n+i, "p2", time.Duration(r.Int64N(int64(time.Hour))))...)
		noise = append(noise, mk(n+30+i, "p1", -2*time.Hour+time.Duration(r.Int64N(int64(time.Hour))))...)
		noise = append(noise, mk(n+60+i, "p1", 3*time.Hour+time.Duration(r.Int64N(int64(time.Hour))))...)
	}
	return in, noise
}

// oracleTraces answers a trace query over spans by brute force.
func oracleTraces(spans []model.Span, project string, q query.TraceQuery) []query.TraceRef {
	lo, hi := q.Start.Add(-q.Reach).UnixNano(), q.End.Add(q.Reach).UnixNano()
	byTrace := map[model.TraceID][]model.Span{}
	first := map[model.TraceID]int64{}
	for _, sp := range spans {
		if sp.Project != project || sp.StartUnixNano < lo || sp.StartUnixNano >= hi {
			continue
		}
		byTrace[sp.TraceID] = append(byTrace[sp.TraceID], sp)
		if sp.StartUnixNano >= q.Start.UnixNano() && sp.StartUnixNano < q.End.UnixNano() {
			if f, ok := first[sp.TraceID]; !ok || sp.StartUnixNano < f {
				first[sp.TraceID] = sp.StartUnixNano
			}
		}
	}
	var out []query.TraceRef
	for id, ts := range first {
		if q.Where == nil || oracleTrace(byTrace[id], q.Where) {
			out = append(out, query.TraceRef{ID: id, Start: ts})
		}
	}
	slices.SortFunc(out, func(a, b query.TraceRef) int { return -compareRef(a, b) })
	if q.After != nil {
		out = slices.DeleteFunc(out, func(r query.TraceRef) bool { return compareRef(r, *q.After) >= 0 })
	}
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

// compareRef orders refs as the stores do: by start, then by the id's two
// halves read as signed 64-bit integers.
func compareRef(a, b query.TraceRef) int {
	if c := cmp.Compare(a.Start, b.Start); c != 0 {
		return c
	}
	half := func(id model.TraceID, k int) int64 {
		var v uint64
		for _, x := range id[k*8 : k*8+8] {
			v = v<<8 | uint64(x)
		}
		return int64(v)
	}
	if c := cmp.Compare(half(a.ID, 0), half(b.ID, 0)); c != 0 {
		return c
	}
	return cmp.Compare(half(a.ID, 1), half(b.ID, 1))
}

func oracleTrace(spans []model.Span, f *query.TraceFilter) bool {
	switch f.Op {
	case query.TraceAll:
		for _, c := range f.Children {
			if !oracleTrace(spans, c) {
				return false
			}
		}
		return true
	case query.TraceAny:
		for _, c := range f.Children {
			if oracleTrace(spans, c) {
				return true
			}
		}
		return false
	case query.TraceNot:
		return !oracleTrace(spans, f.Children[0])
	case query.TraceSpan:
		return slices.ContainsFunc(spans, func(s model.Span) bool { return oracleMatch(spanRecord(s), f.Filters, f.Combination) })
	case query.TraceRoot:
		r, ok := oracleRoot(spans)
		return ok && oracleMatch(spanRecord(r), f.Filters, f.Combination)
	case query.TraceAggregate:
		var vals []float64
		for _, s := range spans {
			r := spanRecord(s)
			if !oracleMatch(r, f.Filters, f.Combination) {
				continue
			}
			if f.Calc.Op == query.OpCount {
				vals = append(vals, 1)
			} else if n, ok := oracleNum(r.col(f.Calc.Column)); ok {
				vals = append(vals, n)
			}
		}
		if len(vals) == 0 {
			return false
		}
		v := vals[0]
		sum := 0.0
		for _, x := range vals {
			sum += x
			switch f.Calc.Op {
			case query.OpMin:
				v = min(v, x)
			case query.OpMax:
				v = max(v, x)
			}
		}
		switch f.Calc.Op {
		case query.OpCount:
			v = float64(len(vals))
		case query.OpSum:
			v = sum
		case query.OpAvg:
			v = sum / float64(len(vals))
		}
		if f.Cmp == query.FilterNe {
			return !oracleCompare(v, query.FilterEq, f.Value)
		}
		return oracleCompare(v, f.Cmp, f.Value)
	case query.TraceMeasure:
		var v float64
		if f.Measure == query.MeasureRootDuration {
			r, ok := oracleRoot(spans)
			if !ok {
				return false
			}
			v = float64(r.DurationNano()) / 1e6
		} else {
			first, last := spans[0].StartUnixNano, spans[0].EndUnixNano
			for _, s := range spans {
				first, last = min(first, s.StartUnixNano), max(last, s.EndUnixNano)
			}
			v = float64(last-first) / 1e6
		}
		if f.Cmp == query.FilterNe {
			return !oracleCompare(v, query.FilterEq, f.Value)
		}
		return oracleCompare(v, f.Cmp, f.Value)
	}
	return false
}

// oracleRoot is the earliest span without a parent.
func oracleRoot(spans []model.Span) (model.Span, bool) {
	var root model.Span
	found := false
	for _, s := range spans {
		if s.ParentSpanID.IsZero() && (!found || s.StartUnixNano < root.StartUnixNano) {
			root, found = s, true
		}
	}
	return root, found
}

func traceQueryCases() []testCase {
	f := func(col string, op query.FilterOp, v ...any) query.Filter { return flt(col, op, v...) }
	svc := func(s string) *query.TraceFilter { return query.SomeSpan(f(query.ColService, query.FilterEq, s)) }
	filters := []struct {
		name  string
		where *query.TraceFilter
	}{
		{"all", nil},
		{"always", query.Always()},
		{"never", query.Never()},
		{"some-span-of-service", svc("worker")},
		{"some-span-two-conditions", query.SomeSpan(f(query.ColService, query.FilterEq, "db"), f("http.status_code", query.FilterGe, 500.0))},
		{"some-span-or", query.SomeSpanOr(f("user", query.FilterEq, "u1"), f("http.status_code", query.FilterEq, 429.0))},
		{"and-not", query.AllOf(query.SomeSpan(f("http.status_code", query.FilterGe, 400.0)), query.NotOf(svc("worker")))},
		{"or-of-and", query.AnyOf(query.AllOf(svc("db"), svc("web")), query.SomeSpan(f("user", query.FilterStartsWith, "u3")))},
		{"not-not", query.NotOf(query.NotOf(svc("api")))},
		{"root-filter", query.RootSpan(f("tier", query.FilterEq, "gold"), f(query.ColService, query.FilterEq, "web"))},
		{"root-negated-filter", query.RootSpan(f("tier", query.FilterNe, "gold"))},
		{"trace-duration", query.MeasureIs(query.MeasureDuration, query.FilterGt, 150)},
		{"root-duration", query.MeasureIs(query.MeasureRootDuration, query.FilterLe, 20)},
		{"root-duration-ne", query.MeasureIs(query.MeasureRootDuration, query.FilterNe, 7)},
		{"aggregate-count", query.AggregateIs(query.Calculation{Op: query.OpCount}, query.FilterGe, 3, f(query.ColKind, query.FilterIn, "client", "internal"))},
		{"aggregate-count-or", &query.TraceFilter{Op: query.TraceAggregate, Calc: query.Calculation{Op: query.OpCount}, Cmp: query.FilterEq, Value: 2,
			Filters: []query.Filter{f(query.ColService, query.FilterEq, "db"), f("user", query.FilterExists)}, Combination: query.Or}},
		{"aggregate-avg", query.AggregateIs(query.Calculation{Op: query.OpAvg, Column: query.ColDuration}, query.FilterGt, 30)},
		{"aggregate-max-attribute", query.AggregateIs(query.Calculation{Op: query.OpMax, Column: "http.status_code"}, query.FilterLt, 300,
			f(query.ColParentID, query.FilterExists))},
		{"aggregate-sum-ne", query.AggregateIs(query.Calculation{Op: query.OpSum, Column: "http.status_code"}, query.FilterNe, 200)},
		{"aggregate-min-not", query.NotOf(query.AggregateIs(query.Calculation{Op: query.OpMin, Column: query.ColDuration}, query.FilterLe, 10))},
		{"nested", query.AnyOf(query.NotOf(query.AllOf(svc("api"), query.MeasureIs(query.MeasureDuration, query.FilterLt, 100))),
			query.RootSpan(f("http.status_code", query.FilterIn, 404.0, 500.0)))},
	}
	var cases []testCase
	for _, c := range filters {
		cases = append(cases, testCase{name: c.name, run: func(t *testing.T, b Backend) {
			tf, in := openTraceFinder(t, b)
			q := query.TraceQuery{Start: T0, End: T0.Add(time.Hour), Where: c.where, Limit: query.MaxTraceLimit}
			if err := q.Normalize(); err != nil {
				t.Fatal(err)
			}
			got, err := tf.FindTraces(context.Background(), "p1", q)
			if err != nil {
				t.Fatal(err)
			}
			want := oracleTraces(in, "p1", q)
			if len(want) == 0 && c.name != "never" {
				t.Fatalf("fixture selects nothing for %s: a useless case", c.where)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %d traces, want %d\n got %v\nwant %v", c.where, len(got), len(want), head(got), head(want))
			}
		}})
	}
	cases = append(cases,
		testCase{name: "paging", run: func(t *testing.T, b Backend) {
			tf, in := openTraceFinder(t, b)
			q := query.TraceQuery{Start: T0, End: T0.Add(time.Hour), Where: svc("web"), Limit: 7}
			if err := q.Normalize(); err != nil {
				t.Fatal(err)
			}
			var got []query.TraceRef
			for range 1000 {
				page, err := tf.FindTraces(context.Background(), "p1", q)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if len(page) < q.Limit {
					break
				}
				q.After = &page[len(page)-1]
			}
			q.After, q.Limit = nil, query.MaxTraceLimit
			if want := oracleTraces(in, "p1", q); !slices.Equal(got, want) {
				t.Errorf("pages joined: %d traces, want %d", len(got), len(want))
			}
		}},
		testCase{name: "invalid", run: func(t *testing.T, b Backend) {
			tf, _ := openTraceFinder(t, b)
			q := query.TraceQuery{Start: T0, End: T0.Add(time.Hour), Limit: 10,
				Where: query.AllOf(svc("api"), &query.TraceFilter{Op: query.TraceNot})}
			_, err := tf.FindTraces(context.Background(), "p1", q)
			wantFieldError(t, err, "where.children[1].children")
		}},
	)
	return cases
}

func head(rs []query.TraceRef) []query.TraceRef { return rs[:min(len(rs), 5)] }

// openTraceFinder opens a store holding the trace fixture; the backend must
// implement store.TraceFinder.
func openTraceFinder(t *testing.T, b Backend) (store.TraceFinder, []model.Span) {
	t.Helper()
	h := openStore(t, b)
	in, noise := traceFixture(600)
	mustWrite(t, h.Store, &model.Batch{Spans: append(slices.Clone(in), noise...)})
	tf, ok := h.Store.(store.TraceFinder)
	if !ok {
		t.Fatalf("%T does not implement store.TraceFinder", h.Store)
	}
	return tf, in
}
