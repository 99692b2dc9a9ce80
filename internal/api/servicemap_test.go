package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/xrayread"
)

// mapOf decodes a service map and indexes it by names: nodes by name,
// edges by "from -> to".
func mapOf(t *testing.T, body []byte) (serviceMapJSON, map[string]mapNodeJSON, map[string]mapEdgeJSON) {
	t.Helper()
	var m serviceMapJSON
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	nodes, edges := map[string]mapNodeJSON{}, map[string]mapEdgeJSON{}
	names := map[int]string{}
	for _, n := range m.Nodes {
		nodes[n.Name], names[n.ID] = n, n.Name
	}
	for _, e := range m.Edges {
		edges[names[e.From]+" -> "+names[e.To]] = e
	}
	return m, nodes, edges
}

func TestServiceMap(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	run(t, srv, []scenario{
		{name: "window", url: "/api/servicemap", status: http.StatusOK, check: func(t *testing.T, body []byte) {
			m, nodes, edges := mapOf(t, body)
			if m.Traces != 4 || m.Truncated || m.Limit != defaultMapTraces {
				t.Errorf("traces %d, truncated %v, limit %d; want the window's 4 traces", m.Traces, m.Truncated, m.Limit)
			}
			// checkout served GET /cart (120 ms) and GET /short (1 ms).
			want := map[string]mapStatsJSON{
				"checkout": {Requests: 2, OK: 2, MeanMs: 60.5, P50Ms: 1, P95Ms: 120, P99Ms: 120},
				"payment":  {Requests: 1, Faults: 1, MeanMs: 2000, P50Ms: 2000, P95Ms: 2000, P99Ms: 2000},
				"db":       {Requests: 1, Faults: 1, MeanMs: 50, P50Ms: 50, P95Ms: 50, P99Ms: 50},
				"legacy":   {Requests: 1, OK: 1, MeanMs: 300, P50Ms: 300, P95Ms: 300, P99Ms: 300},
			}
			for name, w := range want {
				if got := nodes[name].mapStatsJSON; got != w {
					t.Errorf("node %s: %+v, want %+v", name, got, w)
				}
			}
			if c := nodes["client"]; !c.Client || c.Requests != 4 || c.Faults != 1 {
				t.Errorf("client node %+v, want the entry of 4 traces, 1 fault", c)
			}
			if n := nodes["SELECT cart"]; !n.Inferred || n.Type != "remote" {
				t.Errorf("the db's call without a callee: %+v, want an inferred remote node", n)
			}
			for name, w := range map[string]mapStatsJSON{
				"client -> checkout": {Requests: 2, OK: 2, MeanMs: 60.5, P50Ms: 1, P95Ms: 120, P99Ms: 120},
				"client -> payment":  {Requests: 1, Faults: 1, MeanMs: 2000, P50Ms: 2000, P95Ms: 2000, P99Ms: 2000},
				"checkout -> db":     {Requests: 1, Faults: 1, MeanMs: 50, P50Ms: 50, P95Ms: 50, P99Ms: 50},
				"db -> SELECT cart":  {Requests: 1, Faults: 1, MeanMs: 50, P50Ms: 50, P95Ms: 50, P99Ms: 50},
				"client -> legacy":   {Requests: 1, OK: 1, MeanMs: 300, P50Ms: 300, P95Ms: 300, P99Ms: 300},
			} {
				if got, ok := edges[name]; !ok || got.mapStatsJSON != w {
					t.Errorf("edge %s: %+v (present %v), want %+v", name, got.mapStatsJSON, ok, w)
				}
			}
			if len(edges) != 5 {
				t.Errorf("edges %v, want 5", edges)
			}
		}},
		{name: "limit keeps the newest traces", url: "/api/servicemap?limit=1", status: http.StatusOK, check: func(t *testing.T, body []byte) {
			m, nodes, _ := mapOf(t, body)
			if m.Traces != 1 || !m.Truncated || len(nodes) != 2 || nodes["checkout"].Requests != 1 {
				t.Errorf("limit 1: %+v, want the newest trace only (checkout GET /short), truncated", m)
			}
		}},
		{name: "empty window", url: "/api/servicemap?start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z", status: http.StatusOK,
			json: `{"traces": 0, "truncated": false, "nodes": [], "edges": []}`},
		{name: "bad start", url: "/api/servicemap?start=yesterday", status: http.StatusBadRequest, contains: []string{"start: "}},
		{name: "bad limit", url: "/api/servicemap?limit=-1", status: http.StatusBadRequest, contains: []string{"limit: "}},
	})
}

func TestPercentile(t *testing.T) {
	hist := []xrayread.Bucket{{Value: 0.001, Count: 90}, {Value: 0.1, Count: 9}, {Value: 2, Count: 1}}
	for q, want := range map[float64]float64{0.5: 1, 0.9: 1, 0.95: 100, 0.99: 100, 1: 2000} {
		if got := percentile(hist, q); got != want {
			t.Errorf("percentile %v: %v, want %v", q, got, want)
		}
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("empty histogram: %v", got)
	}
}

// TestServiceMapOneRequestTwoSDKs: a request recorded by OpenTelemetry and
// by the X-Ray SDK of the same service (the X-Ray segment inside the OTel
// SERVER span) is one request of the service, and its calls go out once.
func TestServiceMapOneRequestTwoSDKs(t *testing.T) {
	st := openStore(t)
	trace := mustTraceID("d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0")
	ms := time.Millisecond
	otel := span(trace, 1, 0, "backend", "GET /home", 50*time.Minute, 100*ms)
	segment := span(trace, 2, 1, "backend", "backend", 50*time.Minute+ms, 90*ms)
	segment.Scope.Name = "lookout/receiver/xray"
	call := span(trace, 3, 2, "backend", "profiles", 50*time.Minute+2*ms, 40*ms)
	call.Kind = model.SpanKindClient
	callee := span(trace, 4, 3, "profiles", "GET /profiles/x", 50*time.Minute+3*ms, 30*ms)
	if err := st.Write(context.Background(), &model.Batch{Spans: []model.Span{otel, segment, call, callee}}); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, st, nil)
	run(t, srv, []scenario{{name: "one request", url: "/api/servicemap?start=" + t0.Add(45*time.Minute).Format(time.RFC3339), status: http.StatusOK,
		check: func(t *testing.T, body []byte) {
			_, nodes, edges := mapOf(t, body)
			if n := nodes["backend"]; n.Requests != 1 || n.P50Ms != 100 {
				t.Errorf("backend %+v, want 1 request of 100 ms (the OTel span's)", n.mapStatsJSON)
			}
			if _, ok := edges["backend -> backend"]; ok {
				t.Errorf("a self call: %v", edges)
			}
			if e := edges["backend -> profiles"]; e.Requests != 1 || e.P50Ms != 30 {
				t.Errorf("backend -> profiles %+v, want 1 call of 30 ms", e.mapStatsJSON)
			}
			if len(edges) != 2 {
				t.Errorf("edges %v, want client -> backend -> profiles", edges)
			}
		}}})
}

func TestFoldSecondRecord(t *testing.T) {
	tr := mustTraceID("e0")
	kinds := func(spans []model.Span) []model.SpanKind {
		foldSecondRecord(spans)
		out := make([]model.SpanKind, len(spans))
		for i, sp := range spans {
			out[i] = sp.Kind
		}
		return out
	}
	client := span(tr, 2, 1, "a", "call", 0, time.Millisecond)
	client.Kind = model.SpanKindClient
	for name, c := range map[string]struct {
		spans []model.Span
		want  []model.SpanKind
	}{
		"a chain of records folds whole": {
			[]model.Span{span(tr, 1, 0, "a", "x", 0, 1), span(tr, 2, 1, "a", "x", 0, 1), span(tr, 3, 2, "a", "x", 0, 1)},
			[]model.SpanKind{model.SpanKindServer, model.SpanKindInternal, model.SpanKindInternal},
		},
		"another service stays": {
			[]model.Span{span(tr, 1, 0, "a", "x", 0, 1), span(tr, 2, 1, "b", "x", 0, 1)},
			[]model.SpanKind{model.SpanKindServer, model.SpanKindServer},
		},
		"a call to itself stays": {
			[]model.Span{span(tr, 1, 0, "a", "x", 0, 1), client, span(tr, 3, 2, "a", "x", 0, 1)},
			[]model.SpanKind{model.SpanKindServer, model.SpanKindClient, model.SpanKindServer},
		},
	} {
		if got := kinds(c.spans); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}
