package storetest

import (
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// scanFixture is the data of the TraceScanner cases: four traces of p1 in
// the hour after T0 (one also in another project), one outside it.
func scanFixture() []model.Span {
	withService := func(sp model.Span, service string) model.Span {
		sp.Resource = resource(service)
		return sp
	}
	return []model.Span{
		span("p1", tid(1), 1, 0, "web", "root", 0, time.Second,
			str("doc", `{"big":"document"}`), str("meta.a", "x"), str("meta.b", "y"), str("it's", "quoted"),
			kv("list", model.ArrayValue(model.IntValue(1), model.IntValue(2))), kv("n", model.IntValue(7))),
		span("p1", tid(1), 2, 1, "web", "child", time.Second, time.Millisecond),
		span("p1", tid(2), 1, 0, "web", "root", 2*time.Second, time.Millisecond),
		// tid(3)'s earliest span in the window is its second one: the
		// first starts before the window.
		span("p1", tid(3), 1, 0, "api", "early", -time.Minute, time.Millisecond),
		withService(span("p1", tid(3), 2, 1, "api", "late", 3*time.Second, time.Millisecond), "api"),
		// tid(4) ties with tid(2) on its start.
		span("p1", tid(4), 1, 0, "web", "tie", 2*time.Second, time.Millisecond),
		span("p1", tid(5), 1, 0, "web", "outside", 2*time.Hour, time.Millisecond),
		span("p2", tid(1), 9, 0, "web", "other project", 0, time.Millisecond),
	}
}

func refIDs(refs []query.TraceRef) []model.TraceID {
	ids := make([]model.TraceID, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}

func traceScanCases(Backend) []testCase {
	window := func(q store.TraceStartQuery) store.TraceStartQuery {
		q.Project, q.Start, q.End = "p1", T0, T0.Add(time.Hour)
		return q
	}
	starts := []struct {
		name string
		q    store.TraceStartQuery
		want []query.TraceRef
	}{
		{"NewestFirst", window(store.TraceStartQuery{Limit: 10}), []query.TraceRef{
			{ID: tid(3), Start: at(3 * time.Second)}, {ID: tid(4), Start: at(2 * time.Second)},
			{ID: tid(2), Start: at(2 * time.Second)}, {ID: tid(1), Start: at(0)}}},
		{"Limit", window(store.TraceStartQuery{Limit: 2}), []query.TraceRef{
			{ID: tid(3), Start: at(3 * time.Second)}, {ID: tid(4), Start: at(2 * time.Second)}}},
		{"AfterATie", window(store.TraceStartQuery{Limit: 10, After: &query.TraceRef{ID: tid(4), Start: at(2 * time.Second)}}),
			[]query.TraceRef{{ID: tid(2), Start: at(2 * time.Second)}, {ID: tid(1), Start: at(0)}}},
		{"Service", window(store.TraceStartQuery{Limit: 10, Service: "api"}), []query.TraceRef{{ID: tid(3), Start: at(3 * time.Second)}}},
		{"Unbounded", store.TraceStartQuery{Project: "p1", Limit: 10}, []query.TraceRef{
			{ID: tid(5), Start: at(2 * time.Hour)}, {ID: tid(4), Start: at(2 * time.Second)},
			{ID: tid(2), Start: at(2 * time.Second)}, {ID: tid(1), Start: at(0)}, {ID: tid(3), Start: at(-time.Minute)}}},
		{"OtherProject", store.TraceStartQuery{Project: "p2", Limit: 10}, []query.TraceRef{{ID: tid(1), Start: at(0)}}},
		{"NoProject", store.TraceStartQuery{Project: "p3", Limit: 10}, nil},
	}
	var cases []testCase
	for _, c := range starts {
		cases = append(cases, testCase{name: "TraceStarts/" + c.name, run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			mustWrite(t, s, &model.Batch{Spans: scanFixture()})
			got, err := s.TraceStarts(ctx(t), c.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("TraceStarts(%+v):\n got %v\nwant %v", c.q, got, c.want)
			}
		}})
	}
	return append(cases,
		testCase{name: "TraceStarts/PagesCoverAll", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			mustWrite(t, s, &model.Batch{Spans: scanFixture()})
			q := window(store.TraceStartQuery{Limit: 1})
			var all []model.TraceID
			for range 10 {
				page, err := s.TraceStarts(ctx(t), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				all = append(all, refIDs(page)...)
				q.After = &page[len(page)-1]
			}
			if want := []model.TraceID{tid(3), tid(4), tid(2), tid(1)}; !slices.Equal(all, want) {
				t.Errorf("pages of one: got %v, want %v", all, want)
			}
		}},
		testCase{name: "SpansOfTraces", run: spansOfTracesCase},
		testCase{name: "ServerSpanNames", run: serverSpanNamesCase},
	)
}

func spansOfTracesCase(t *testing.T, b Backend) {
	s := openStore(t, b)
	fixture := scanFixture()
	mustWrite(t, s, &model.Batch{Spans: fixture})
	trim := store.SpanTrim{Keys: []string{"doc", "it's"}, Prefixes: []string{"meta."}}
	got, err := s.SpansOfTraces(ctx(t), "p1", []model.TraceID{tid(3), tid(9), tid(1)}, trim)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d groups, want 3", len(got))
	}
	equalStrings(t, "tid(3)", spanNames(got[0]), []string{"early", "late"})
	equalStrings(t, "unknown id", spanNames(got[1]), nil)
	equalStrings(t, "tid(1)", spanNames(got[2]), []string{"root", "child"})
	want := fixture[0]
	want.Attributes = model.Attributes{want.Attributes[4], want.Attributes[5]} // list, n
	sameSpans(t, "trimmed root", got[2][:1], []model.Span{want})

	untrimmed, err := s.SpansOfTraces(ctx(t), "p1", []model.TraceID{tid(1)}, store.SpanTrim{})
	if err != nil {
		t.Fatal(err)
	}
	sameSpans(t, "untrimmed", untrimmed[0], fixture[:2])
	other, err := s.SpansOfTraces(ctx(t), "p2", []model.TraceID{tid(1)}, store.SpanTrim{})
	if err != nil {
		t.Fatal(err)
	}
	equalStrings(t, "other project", spanNames(other[0]), []string{"other project"})
	if none, err := s.SpansOfTraces(ctx(t), "p1", nil, trim); err != nil || len(none) != 0 {
		t.Errorf("no ids: %v, %v", none, err)
	}
}

func serverSpanNamesCase(t *testing.T, b Backend) {
	s := openStore(t, b)
	mk := func(trace byte, service, name, url string, kind model.SpanKind, start time.Duration, res ...model.KeyValue) model.Span {
		sp := span("p1", tid(trace), 1, 0, service, name, start, time.Millisecond)
		if url != "" {
			sp.Attributes = model.Attributes{str("url.full", url)}
		}
		sp.Kind, sp.Resource = kind, resource(service, res...)
		sp.Scope = model.Scope{Name: "scope-" + service}
		return sp
	}
	server := model.SpanKindServer
	mustWrite(t, s, &model.Batch{Spans: []model.Span{
		mk(1, "backend", "backend", "http://localhost:4567/api?x=1", server, 0, str("host.id", "h1")),
		mk(2, "backend", "backend", "https://localhost:4567/x#f", server, time.Second, str("host.id", "h1")),
		mk(3, "backend", "4567.example.com", "http://4567.example.com/api", server, 2*time.Second,
			str("container.id", "c1"), str("service.instance.id", "i1")),
		mk(4, "backend", "backend", "", server, 3*time.Second, str("service.instance.id", "i1")),
		mk(5, "backend", "client call", "http://localhost:4567/", model.SpanKindClient, 0),
		mk(6, "backend", "late", "", server, 2*time.Hour),
	}})
	got, err := s.ServerSpanNames(ctx(t), "p1", T0, T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.NameCount{
		{Service: "backend", Name: "4567.example.com", Instance: "c1", URLHost: "4567.example.com", Scope: "scope-backend", Count: 1, LastNano: at(2 * time.Second)},
		{Service: "backend", Name: "backend", Instance: "h1", URLHost: "localhost:4567", Scope: "scope-backend", Count: 2, LastNano: at(time.Second)},
		{Service: "backend", Name: "backend", Instance: "i1", Scope: "scope-backend", Count: 1, LastNano: at(3 * time.Second)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("ServerSpanNames:\n got %+v\nwant %+v", got, want)
	}
	if other, err := s.ServerSpanNames(ctx(t), "p2", time.Time{}, time.Time{}); err != nil || len(other) != 0 {
		t.Errorf("other project: %+v, %v", other, err)
	}
}
