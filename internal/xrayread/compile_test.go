package xrayread

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/receiver/xray/segment"
	"lookout/internal/store"
	"lookout/internal/store/duckdb"
	"lookout/internal/tracelint"
)

// The compiled path must agree with the Go evaluator: over a generated set
// of X-Ray documents (mapped as the receiver does) and OTel spans, every
// expression's Sure filter selects a subset and its Where filter a superset
// of what Match accepts, and exactly that set when the compilation is exact.
// Summaries over DuckDB compiled and over DuckDB with the filter evaluated
// in Go alone return the same traces.

var compileExprs = []string{
	`service("shop")`, `service("inventory")`, `service("DynamoDB")`, `service("otel-api")`,
	`service(id(name: "inventory", type: "AWS::EC2::Instance"))`, `service(id(type: "AWS::DynamoDB::Table"))`, `service()`,
	`service("inventory") { fault }`, `service("shop") { !error }`, `service("cart") { annotation.vip = true }`,
	`service("shop") { ok } AND !service("inventory") { ok }`,
	`edge("shop", "inventory")`, `edge("cart", "inventory") { responsetime > 0.05 }`, `edge("shop", "DynamoDB") { error }`,
	`annotation.tier = "gold"`, `annotation.customer = 5`, `annotation.customer > 3`, `annotation.customer != 5`,
	`annotation.customer = "5"`, `annotation.vip = true`, `annotation.vip`, `annotation.vip != true`, `annotation.ratio < 0.6`,
	`annotation.tier BEGINSWITH "go"`, `annotation.tier ENDSWITH "ver"`, `annotation.tier CONTAINS "il"`,
	`annotation.tier IN ["gold", "x"]`, `!annotation.tier = "gold"`, `annotation.missing`,
	`fault`, `error`, `throttle`, `ok`, `!ok`, `fault = false`, `error != true`, `partial`, `!partial`,
	`responsetime > 0.1`, `responsetime <= 0.05`, `responsetime = 0.25`, `responsetime != 0.25`, `responsetime`,
	`duration >= 0.2`, `duration < 0.1`, `!(duration > 0.3)`,
	`http.status = 500`, `http.status != 200`, `http.status >= 400`, `http.status`, `!http.status = 404`,
	`http.url CONTAINS "/cart"`, `http.url ENDSWITH "/7"`, `http.url BEGINSWITH "https://shop"`, `http.url != "x"`,
	`http.method = "POST"`, `http.method != "GET"`, `http.method IN ["PUT", "POST"]`, `http.url`, `!http.method = "GET"`,
	`http.useragent CONTAINS "curl"`, `http.clientip = "10.0.0.1"`,
	`user = "alice"`, `user != "alice"`, `user BEGINSWITH "b"`, `user ENDSWITH "ob"`, `user`, `!user`, `user IN ["bob", "carol"]`,
	`fault AND service("payment")`, `(fault OR throttle) AND annotation.vip = true`, `!(service("inventory") AND error)`,
	`root`, `!inferred`, `name = "x"`, `fault.exception.message CONTAINS "boom"`,
	`responseTime > 0.1`, `availabilityzone`, `instance.id BEGINSWITH "i-"`, `service("inventory") { availabilityzone != "x" }`,
	`availabilityzone = "us-east-1b"`, `instance.id = "i-2" OR availabilityzone ENDSWITH "c"`, `service("shop") { instance.id IN ["i-0", "i-1"] }`,
	`ok AND duration < 0.1 AND !partial AND !service("inventory")`,
	`annotation.tier = "gold" OR (user = "bob" AND !fault) OR http.status = 429`,
}

var compileT0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// genTraces makes n traces starting in [compileT0, +1h): X-Ray segments of
// shop/cart/payment with annotations of varied types, users, HTTP, flags,
// DynamoDB and inventory calls (inventory's own segment on some), in-progress
// subsegments, orphan roots; and every 7th trace is OTel-only.
func genTraces(t *testing.T, n int) []model.Span {
	r := rand.New(rand.NewPCG(1, 2))
	var out []model.Span
	hex := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = "0123456789abcdef"[r.IntN(16)]
		}
		return string(b)
	}
	for i := range n {
		start := compileT0.Add(time.Duration(r.Int64N(int64(time.Hour))))
		secs := func(d time.Duration) json.Number {
			return json.Number(fmt.Sprintf("%.6f", float64(start.Add(d).UnixNano())/1e9))
		}
		tid := fmt.Sprintf("1-%08x-%s", start.Unix(), hex(24))
		dur := time.Duration(1+r.IntN(400)) * time.Millisecond
		if i%7 == 3 {
			out = append(out, otelTrace(r, i, start, dur)...)
			continue
		}
		svc := []string{"shop", "cart", "payment"}[r.IntN(3)]
		status := []int{200, 200, 200, 404, 429, 500}[r.IntN(6)]
		seg := map[string]any{"name": svc, "id": hex(16), "trace_id": tid, "start_time": secs(0), "end_time": secs(dur),
			"http": map[string]any{"request": map[string]any{"method": []string{"GET", "POST", "PUT"}[r.IntN(3)],
				"url": fmt.Sprintf("https://%s.example.com/cart/%d", svc, i%10), "user_agent": []string{"curl/8", "Go-http-client"}[r.IntN(2)],
				"client_ip": fmt.Sprintf("10.0.0.%d", r.IntN(3))}, "response": map[string]any{"status": status}},
			"fault": status == 500, "error": status == 404 || status == 429, "throttle": status == 429}
		if i%11 == 5 {
			seg["parent_id"] = hex(16) // the caller was not traced
		}
		if i%5 == 1 { // where it ran (no random draw: the rest stays as it was)
			seg["aws"] = map[string]any{"ec2": map[string]any{"instance_id": fmt.Sprintf("i-%d", i%3),
				"availability_zone": "us-east-1" + string("abc"[i%3])}}
		}
		if i%13 == 2 { // no HTTP at all
			delete(seg, "http")
		}
		ann := map[string]any{}
		if r.IntN(3) > 0 {
			ann["tier"] = []string{"gold", "silver", "bronze"}[r.IntN(3)]
		}
		switch r.IntN(4) {
		case 0:
			ann["customer"] = r.IntN(8)
		case 1:
			ann["customer"] = fmt.Sprint(r.IntN(8)) // a string that reads as a number
		}
		if r.IntN(2) == 0 {
			ann["vip"] = r.IntN(3) == 0
		}
		if r.IntN(3) == 0 {
			ann["ratio"] = r.Float64()
		}
		seg["annotations"] = ann
		if k := r.IntN(4); k > 0 {
			seg["user"] = []string{"alice", "bob", "carol"}[k-1]
		}
		var subs []any
		if r.IntN(2) == 0 {
			subs = append(subs, map[string]any{"name": "DynamoDB", "id": hex(16), "namespace": "aws", "start_time": secs(dur / 10),
				"end_time": secs(dur / 5), "error": r.IntN(4) == 0})
		}
		if r.IntN(6) == 0 {
			subs = append(subs, map[string]any{"name": "slow", "id": hex(16), "start_time": secs(dur / 3), "in_progress": true})
		}
		var inv map[string]any
		if svc != "payment" && r.IntN(2) == 0 {
			callID := hex(16)
			subs = append(subs, map[string]any{"name": "inventory", "id": callID, "namespace": "remote",
				"start_time": secs(dur / 4), "end_time": secs(dur / 2), "http": map[string]any{
					"request": map[string]any{"method": "GET", "url": "http://inventory:8080/items"}}})
			if r.IntN(3) > 0 {
				invStatus := []int{200, 500, 404}[r.IntN(3)]
				inv = map[string]any{"name": "inventory", "id": hex(16), "trace_id": tid, "parent_id": callID,
					"start_time": secs(dur/4 + time.Millisecond), "end_time": secs(dur/2 - time.Millisecond),
					"fault": invStatus == 500, "error": invStatus == 404,
					"http": map[string]any{"response": map[string]any{"status": invStatus}}}
				if r.IntN(2) == 0 {
					inv["origin"] = "AWS::EC2::Instance"
				}
				if r.IntN(3) == 0 {
					inv["annotations"] = map[string]any{"tier": "gold"}
				}
			}
		}
		if subs != nil {
			seg["subsegments"] = subs
		}
		for _, d := range []map[string]any{seg, inv} {
			if d == nil {
				continue
			}
			b, _ := json.Marshal(d)
			parsed, e := segment.Parse(b)
			if e != nil {
				t.Fatalf("parse: %v", e)
			}
			out = append(out, segment.Map(model.DefaultProject, parsed, string(b))...)
		}
	}
	return out
}

// otelTrace is an OTel-instrumented request: a SERVER span with an HTTP
// status and a CLIENT child to an AWS API.
func otelTrace(r *rand.Rand, i int, start time.Time, dur time.Duration) []model.Span {
	var tid model.TraceID
	tid[0], tid[1], tid[2], tid[15] = 0x0e, byte(i>>8), byte(i), byte(r.IntN(256))
	status := []int64{200, 503, 404, 429}[r.IntN(4)]
	res := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("otel-api")}}}
	root := model.Span{Project: model.DefaultProject, TraceID: tid, SpanID: model.SpanID{0xe, byte(i >> 8), byte(i), 1},
		Name: "GET /items", Kind: model.SpanKindServer, StartUnixNano: start.UnixNano(), EndUnixNano: start.Add(dur).UnixNano(),
		Resource: res, Scope: model.Scope{Name: "otelhttp"}, Attributes: model.Attributes{
			{Key: "http.response.status_code", Value: model.IntValue(status)},
			{Key: "http.request.method", Value: model.StringValue("GET")},
			{Key: "url.full", Value: model.StringValue(fmt.Sprintf("https://otel.example.com/cart/%d", i%10))}}}
	if r.IntN(3) == 0 {
		root.Attributes = append(root.Attributes, model.KeyValue{Key: "enduser.id", Value: model.StringValue("bob")})
	}
	child := model.Span{Project: model.DefaultProject, TraceID: tid, SpanID: model.SpanID{0xe, byte(i >> 8), byte(i), 2},
		ParentSpanID: root.SpanID, Name: "DynamoDB.GetItem", Kind: model.SpanKindClient, Resource: res,
		StartUnixNano: start.Add(dur / 4).UnixNano(), EndUnixNano: start.Add(dur / 2).UnixNano(), Scope: model.Scope{Name: "otelaws"},
		Attributes: model.Attributes{{Key: "rpc.system", Value: model.StringValue("aws-api")},
			{Key: "rpc.service", Value: model.StringValue("DynamoDB")}}}
	if r.IntN(4) == 0 {
		child.StatusCode = model.StatusError
	}
	return []model.Span{root, child}
}

// openStore opens a store in a temporary directory holding spans.
func openStore(t *testing.T, spans []model.Span) *duckdb.Store {
	t.Helper()
	cfg := duckdb.DefaultConfig()
	cfg.Dir = t.TempDir()
	s, err := duckdb.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Write(context.Background(), &model.Batch{Spans: spans}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCompiledFilterMatchesEvaluator(t *testing.T) {
	spans := genTraces(t, 700)
	s := openStore(t, spans)
	ctx := context.Background()
	end := compileT0.Add(time.Hour)
	refs, err := s.TraceStarts(ctx, store.TraceStartQuery{Project: model.DefaultProject, Start: compileT0, End: end, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	all := refIDs(refs)
	traceSpans, err := s.SpansOfTraces(ctx, model.DefaultProject, all, tracelint.BulkTrim)
	if err != nil {
		t.Fatal(err)
	}
	find := func(f *query.TraceFilter) map[model.TraceID]bool {
		q := query.TraceQuery{Start: compileT0, End: end, Where: f, Limit: query.MaxTraceLimit}
		if err := q.Normalize(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		refs, err := s.FindTraces(ctx, model.DefaultProject, q)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := map[model.TraceID]bool{}
		for _, r := range refs {
			out[r.ID] = true
		}
		return out
	}
	exactCount := 0
	for _, src := range compileExprs {
		e, err := xrayfilter.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		c := xrayfilter.Compile(e)
		where, sure := find(c.Where), find(c.Sure)
		matched := 0
		for i, id := range all {
			v := viewOf(id, traceSpans[i])
			m := xrayfilter.Match(e, &v.facts)
			if m {
				matched++
			}
			switch {
			case m && !where[id]:
				t.Errorf("%s: Where misses %s (compiled %s)", src, v.facts.ID, c.Where)
			case !m && sure[id]:
				t.Errorf("%s: Sure selects %s, which does not match (compiled %s)", src, v.facts.ID, c.Sure)
			case c.Exact && !m && where[id]:
				t.Errorf("%s: exact, but Where selects %s, which does not match", src, v.facts.ID)
			}
		}
		if c.Exact {
			exactCount++
		}
		t.Logf("%-60s matched %4d  where %4d  sure %4d  exact %v", src, matched, len(where), len(sure), c.Exact)
	}
	t.Logf("%d of %d expressions compile exactly; %d traces", exactCount, len(compileExprs), len(all))
}

// goOnly hides the store's TraceFinder: filters are then evaluated in Go
// over every trace of the window.
type goOnly struct{ Source }

// readOnce is a Go-only source that reads each page of traces and each
// trace's spans from the store once: what the Go path reads does not depend
// on the filter, so every expression after the first is answered from what
// the store gave for the first.
type readOnce struct {
	src   Source
	mu    sync.Mutex
	pages map[pageKey][]query.TraceRef
	spans map[model.TraceID][]model.Span
}

// pageKey is a TraceStartQuery with its After by value.
type pageKey struct {
	q     store.TraceStartQuery // After nil
	after query.TraceRef
}

func newReadOnce(src Source) *readOnce {
	return &readOnce{src: src, pages: map[pageKey][]query.TraceRef{}, spans: map[model.TraceID][]model.Span{}}
}

func (r *readOnce) Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error) {
	return r.src.Trace(ctx, project, id)
}

func (r *readOnce) TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	k := pageKey{q: q}
	if q.After != nil {
		k.q.After, k.after = nil, *q.After
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if refs, ok := r.pages[k]; ok {
		return refs, nil
	}
	refs, err := r.src.TraceStarts(ctx, q)
	if err == nil {
		r.pages[k] = refs
	}
	return refs, err
}

// SpansOfTraces reads the spans of the traces not read before; trim is
// always tracelint.BulkTrim here.
func (r *readOnce) SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var missing []model.TraceID
	for _, id := range ids {
		if _, ok := r.spans[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		got, err := r.src.SpansOfTraces(ctx, project, missing, trim)
		if err != nil {
			return nil, err
		}
		for i, id := range missing {
			r.spans[id] = got[i]
		}
	}
	out := make([][]model.Span, len(ids))
	for i, id := range ids {
		out[i] = r.spans[id]
	}
	return out, nil
}

// TestGetTraceSummariesCompiledAgrees reads summaries through the compiled
// path (DuckDB) and the Go-only path over the same store, with small pages
// so that paging is exercised.
func TestGetTraceSummariesCompiledAgrees(t *testing.T) {
	spans := genTraces(t, 150)
	duck := openStore(t, spans)
	small := func(c *Config) { c.PageSize, c.ScanBatch, c.ScanLimit = 29, 40, 80 }
	dc, mc := newService(t, duck, small), newService(t, newReadOnce(duck), small)
	for _, src := range compileExprs {
		got, want := summariesIn(t, dc, src), summariesIn(t, mc, src)
		if !slices.Equal(got, want) {
			t.Errorf("%s: compiled path %d traces, Go path %d", src, len(got), len(want))
		}
	}
}

func newService(t *testing.T, src Source, mod func(*Config)) *Service {
	t.Helper()
	cfg := DefaultConfig()
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// summariesIn reads every page of summaries over compileT0's hour and
// returns the trace ids in order.
func summariesIn(t *testing.T, s *Service, filter string) []string {
	t.Helper()
	e, err := xrayfilter.Parse(filter)
	if err != nil {
		t.Fatalf("%s: %v", filter, err)
	}
	q := SummaryQuery{Start: compileT0, End: compileT0.Add(time.Hour), Filter: e, Rate: 1}
	var out []string
	for {
		page, err := s.Summaries(context.Background(), model.DefaultProject, q)
		if err != nil {
			t.Fatalf("Summaries(%q): %v", filter, err)
		}
		for _, sum := range page.Summaries {
			out = append(out, sum.ID.XRayString())
		}
		if page.Next == nil {
			return out
		}
		q.After = page.Next
	}
}
