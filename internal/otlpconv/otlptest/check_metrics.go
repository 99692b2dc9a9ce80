package otlptest

import (
	"testing"

	"lookout/internal/model"
)

// pointKey names a point of EmitMetrics: its metric and, for the counter,
// its method attribute.
func pointKey(p *model.MetricPoint) string {
	if v, ok := p.Attributes.Get("method"); ok {
		return p.Name + "/" + v.AsString()
	}
	return p.Name
}

func strAttr(k, v string) model.Attributes {
	return model.Attributes{{Key: k, Value: model.StringValue(v)}}
}

// WantMetrics are the points EmitMetrics sends, by metric name (and
// "/method" for the counter), without project, resource, scope, times and
// exemplars, which CheckMetrics compares separately. The SDK sorts point
// attributes by key.
func WantMetrics() map[string]model.MetricPoint {
	cum := model.TemporalityCumulative
	return map[string]model.MetricPoint{
		"orders/card": {Name: "orders", Description: "orders placed", Unit: "{order}", Type: model.MetricSum,
			Temporality: cum, Monotonic: true, Attributes: strAttr("method", "card"),
			Number: model.Number{Kind: model.NumberInt, Int: 5}},
		"orders/cash": {Name: "orders", Description: "orders placed", Unit: "{order}", Type: model.MetricSum,
			Temporality: cum, Monotonic: true, Attributes: strAttr("method", "cash"),
			Number: model.Number{Kind: model.NumberInt, Int: 7}},
		"queue.depth": {Name: "queue.depth", Type: model.MetricSum, Temporality: cum,
			Number: model.Number{Kind: model.NumberDouble, Double: 3.25}},
		"temperature": {Name: "temperature", Unit: "Cel", Type: model.MetricGauge, Attributes: sortedAllKinds(),
			Number: model.Number{Kind: model.NumberDouble, Double: 22.25}},
		"latency": {Name: "latency", Unit: "ms", Type: model.MetricHistogram, Temporality: cum,
			Count: 5, Sum: 5605, HasSum: true, Min: 5, HasMin: true, Max: 5000, HasMax: true,
			Bounds: []float64{10, 100, 1000}, BucketCounts: []uint64{1, 2, 1, 1}},
		"payload.size": {Name: "payload.size", Unit: "By", Type: model.MetricExponentialHistogram, Temporality: cum,
			Count: 4, Sum: 1031, HasSum: true, Min: 1, HasMin: true, Max: 1024, HasMax: true,
			Scale: 3, Positive: model.ExpBuckets{Offset: -1, Counts: expCounts()}, Negative: model.ExpBuckets{}},
		"process.threads": {Name: "process.threads", Type: model.MetricGauge,
			Number: model.Number{Kind: model.NumberInt, Int: 12}},
	}
}

// expCounts are the positive buckets of 1, 2, 4 and 1024 at scale 3 from
// bucket -1: value 2^k falls in bucket 8k-1.
func expCounts() []uint64 {
	c := make([]uint64, 81)
	c[0], c[8], c[16], c[80] = 1, 1, 1, 1
	return c
}

// sortedAllKinds is AllKindsModel in the order the metrics SDK sorts
// attribute sets, by key.
func sortedAllKinds() model.Attributes {
	byKey := map[string]model.KeyValue{}
	for _, kv := range AllKindsModel() {
		byKey[kv.Key] = kv
	}
	var out model.Attributes
	for _, k := range []string{"bool", "bytes", "double", "empty", "int", "ints", "map", "mixed", "str", "strs"} {
		out = append(out, byKey[k])
	}
	return out
}

// CheckMetrics fails t unless points are exactly what EmitMetrics sent, in
// any order, each tagged with project.
func CheckMetrics(t testing.TB, project string, points []model.MetricPoint) {
	t.Helper()
	want := WantMetrics()
	if len(points) != len(want) {
		t.Fatalf("got %d metric points, want %d", len(points), len(want))
	}
	for _, got := range points {
		key := pointKey(&got)
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected metric point %q", key)
			continue
		}
		delete(want, key)
		if got.Project != project {
			t.Errorf("point %q: project %q, want %q", key, got.Project, project)
		}
		wantScope := WantScope()
		if got.Name == "process.threads" {
			wantScope = model.Scope{Name: OtherScopeName}
		}
		check(t, "point "+key+" resource", got.Resource, WantResource())
		check(t, "point "+key+" scope", got.Scope, wantScope)
		if got.TimeUnixNano <= 0 || got.StartUnixNano > got.TimeUnixNano {
			t.Errorf("point %q: start %d, time %d", key, got.StartUnixNano, got.TimeUnixNano)
		}
		if got.Name == "latency" {
			checkExemplars(t, got.Exemplars)
		} else if len(got.Exemplars) != 0 {
			t.Errorf("point %q: exemplars %+v, want none", key, got.Exemplars)
		}
		got.Project, got.Resource, got.Scope, got.Exemplars = "", model.Resource{}, model.Scope{}, nil
		got.StartUnixNano, got.TimeUnixNano = 0, 0
		check(t, "point "+key, got, w)
	}
}

// checkExemplars checks the histogram's exemplars: at least one, each a
// recorded value linked to the sampled span.
func checkExemplars(t testing.TB, es []model.Exemplar) {
	t.Helper()
	if len(es) == 0 {
		t.Errorf("latency: no exemplars")
	}
	recorded := map[float64]bool{5: true, 50: true, 500: true, 5000: true}
	for i, e := range es {
		if e.TraceID != model.TraceID(ExemplarTraceID) || e.SpanID != model.SpanID(ExemplarSpanID) ||
			e.Value.Kind != model.NumberDouble || !recorded[e.Value.Double] || e.TimeUnixNano <= 0 {
			t.Errorf("latency exemplar %d: %+v", i, e)
		}
	}
}
