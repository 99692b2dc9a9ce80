package api

import (
	"context"
	"errors"
	"iter"
	"math"
	"strconv"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// The metrics of the fixture, by time:
//
//	-30h  checkout http.server.requests GET 1     (outside the default window)
//	+1m   checkout http.server.requests GET 10
//	+2m   checkout http.server.requests GET 15, payment http.server.requests POST 3
//	+3m   checkout temp NaN, +4m temp without a value
//	+5m   checkout latency (histogram, exemplar in trace A)
//	+6m   checkout payload (exponential histogram)
//	+7m   payment rpc (summary)
//	+8m   checkout http/route/hits 7 (a name with a slash)
func fixtureMetrics() []model.MetricPoint {
	pt := func(d time.Duration, service, name string, typ model.MetricType) model.MetricPoint {
		return model.MetricPoint{Project: model.DefaultProject, Name: name, Type: typ, TimeUnixNano: at(d),
			StartUnixNano: at(-time.Hour), Resource: res(service), Scope: model.Scope{Name: "lookout/apitest"}}
	}
	requests := func(d time.Duration, service, method string, n int64) model.MetricPoint {
		p := pt(d, service, "http.server.requests", model.MetricSum)
		p.Unit, p.Description, p.Temporality, p.Monotonic = "{request}", "requests served", model.TemporalityCumulative, true
		p.Attributes = model.Attributes{str("http.request.method", method)}
		p.Number = model.Number{Kind: model.NumberInt, Int: n}
		return p
	}
	nan := pt(3*time.Minute, "checkout", "temp", model.MetricGauge)
	nan.Unit, nan.Number = "Cel", model.Number{Kind: model.NumberDouble, Double: math.NaN()}
	none := pt(4*time.Minute, "checkout", "temp", model.MetricGauge)
	none.Unit, none.Flags = "Cel", 1
	hist := pt(5*time.Minute, "checkout", "latency", model.MetricHistogram)
	hist.Unit, hist.Temporality = "ms", model.TemporalityDelta
	hist.Count, hist.Sum, hist.HasSum, hist.Min, hist.HasMin, hist.Max, hist.HasMax = 4, 12.5, true, 0.5, true, 9, true
	hist.Bounds, hist.BucketCounts = []float64{1, 5}, []uint64{1, 2, 1}
	hist.Exemplars = []model.Exemplar{{TimeUnixNano: at(4 * time.Minute), Value: model.Number{Kind: model.NumberDouble, Double: 9},
		TraceID: traceA, SpanID: sid(1), FilteredAttributes: model.Attributes{str("user", "u1")}}}
	exp := pt(6*time.Minute, "checkout", "payload", model.MetricExponentialHistogram)
	exp.Temporality, exp.Count, exp.Sum, exp.HasSum = model.TemporalityCumulative, 3, 7, true
	exp.Scale, exp.ZeroCount, exp.ZeroThreshold = -1, 1, 0.001
	exp.Positive = model.ExpBuckets{Offset: 1, Counts: []uint64{1, 1}}
	sum := pt(7*time.Minute, "payment", "rpc", model.MetricSummary)
	sum.Count, sum.Sum, sum.HasSum = 10, 55, true
	sum.Quantiles = []model.Quantile{{Quantile: 0.5, Value: 5}, {Quantile: 1, Value: math.Inf(1)}}
	slash := pt(8*time.Minute, "checkout", "http/route/hits", model.MetricGauge)
	slash.Number = model.Number{Kind: model.NumberInt, Int: 7}
	return []model.MetricPoint{
		requests(-30*time.Hour, "checkout", "GET", 1), requests(2*time.Minute, "payment", "POST", 3),
		requests(2*time.Minute, "checkout", "GET", 15), requests(time.Minute, "checkout", "GET", 10),
		nan, none, hist, exp, sum, slash,
	}
}

func TestMetricsList(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	requests := func(points int, last time.Duration) string {
		return `{"name":"http.server.requests","type":"sum","unit":"{request}","description":"requests served",
			"temporality":"cumulative","monotonic":true,"services":["checkout","payment"],"points":` +
			strconv.Itoa(points) + `,"lastTimeUnixNano":"` + ns(last) + `"}`
	}
	run(t, srv, []scenario{
		{name: "default window", url: "/api/metrics", status: 200, json: `{"metrics":[` + requests(3, 2*time.Minute) + `,
			{"name":"http/route/hits","type":"gauge","unit":"","temporality":null,"monotonic":null,"services":["checkout"],"points":1},
			{"name":"latency","type":"histogram","unit":"ms","temporality":"delta","monotonic":null,"points":1},
			{"name":"payload","type":"exponential_histogram","temporality":"cumulative"},
			{"name":"rpc","type":"summary","temporality":null,"services":["payment"]},
			{"name":"temp","type":"gauge","unit":"Cel","points":2,"lastTimeUnixNano":"` + ns(4*time.Minute) + `"}]}`},
		{name: "all time", url: "/api/metrics?start=0", status: 200, json: `{"metrics":[` + requests(4, 2*time.Minute) + `,{},{},{},{},{}]}`},
		{name: "window", url: "/api/metrics?start=" + unix(90*time.Second) + "&end=" + unix(3*time.Minute), status: 200,
			json: `{"metrics":[{"name":"http.server.requests","points":2},{"name":"temp","points":1}]}`},
		{name: "nothing", url: "/api/metrics?start=" + unix(-20*time.Hour) + "&end=" + unix(-19*time.Hour), status: 200, json: `{"metrics":[]}`},
		{name: "bad end", url: "/api/metrics?end=soon", status: 400, contains: []string{`"error":"end: \"soon\"`}},
	})
}

// ns is the fixture time t0+d as the API writes times.
func ns(d time.Duration) string { return strconv.FormatInt(at(d), 10) }

func TestMetricPoints(t *testing.T) {
	srv := serve(t, openStore(t), nil)
	req := func(d time.Duration, service, method string, n int) string {
		return `{"timeUnixNano":"` + ns(d) + `","startTimeUnixNano":"` + ns(-time.Hour) + `","type":"sum",
			"temporality":"cumulative","monotonic":true,"service":"` + service + `",
			"attributes":{"http.request.method":"` + method + `"},"resource":{"service.name":"` + service + `","host.name":"box-1"},
			"value":` + strconv.Itoa(n) + `,"count":null,"sum":null,"bounds":null,"exemplars":null}`
	}
	base := "/api/metrics/http.server.requests/points"
	run(t, srv, []scenario{
		{name: "default window, oldest first, by service at one time", url: base, status: 200,
			json: `{"points":[` + req(time.Minute, "checkout", "GET", 10) + `,` + req(2*time.Minute, "checkout", "GET", 15) + `,` +
				req(2*time.Minute, "payment", "POST", 3) + `]}`},
		{name: "all time", url: base + "?start=0", status: 200, json: `{"points":[{"value":1},{"value":10},{"value":15},{"value":3}]}`},
		{name: "service", url: base + "?service=payment", status: 200, json: `{"points":[{"value":3,"service":"payment"}]}`},
		{name: "window", url: base + "?start=" + unix(90*time.Second) + "&end=" + unix(5*time.Minute), status: 200,
			json: `{"points":[{"value":15},{"value":3}]}`},
		{name: "limit", url: base + "?limit=1", status: 200, json: `{"points":[{"value":10}]}`},
		{name: "histogram", url: "/api/metrics/latency/points", status: 200, json: `{"points":[{"type":"histogram",
			"temporality":"delta","monotonic":null,"value":null,"count":4,"sum":12.5,"min":0.5,"max":9,"bounds":[1,5],
			"bucketCounts":[1,2,1],"scale":null,"quantiles":null,"exemplars":[{"timeUnixNano":"` + ns(4*time.Minute) + `",
			"value":9,"traceID":"` + traceA.String() + `","spanID":"f001020304050601","attributes":{"user":"u1"}}]}]}`},
		{name: "exponential histogram", url: "/api/metrics/payload/points", status: 200, json: `{"points":[{
			"type":"exponential_histogram","count":3,"sum":7,"min":null,"max":null,"scale":-1,"zeroCount":1,"zeroThreshold":0.001,
			"positive":{"offset":1,"bucketCounts":[1,1]},"negative":{"offset":0,"bucketCounts":[]},"bounds":null,"value":null}]}`},
		{name: "summary", url: "/api/metrics/rpc/points", status: 200, json: `{"points":[{"type":"summary","temporality":null,
			"count":10,"sum":55,"quantiles":[{"quantile":0.5,"value":5},{"quantile":1,"value":"+Inf"}],"service":"payment"}]}`},
		{name: "gauge NaN and no value", url: "/api/metrics/temp/points", status: 200,
			json:     `{"points":[{"type":"gauge","value":"NaN","flags":null},{"value":null,"flags":1}]}`,
			contains: []string{`"value":null`}},
		{name: "a slash in the name", url: "/api/metrics/http%2Froute%2Fhits/points", status: 200, json: `{"points":[{"value":7}]}`},
		{name: "unknown metric", url: "/api/metrics/nope/points", status: 200, json: `{"points":[]}`},
		{name: "bad limit", url: base + "?limit=-1", status: 400, json: `{"error":"limit: \"-1\": want a non-negative integer"}`},
		{name: "bad start", url: base + "?start=yesterday", status: 400, contains: []string{`"error":"start: \"yesterday\"`}},
	})
}

// failingPoints passes through the real store's first n points, then fails.
type failingPoints struct {
	store.MetricReader
	n int
}

func (f failingPoints) MetricPoints(ctx context.Context, q store.MetricQuery) iter.Seq2[model.MetricPoint, error] {
	return func(yield func(model.MetricPoint, error) bool) {
		i := 0
		for p, err := range f.MetricReader.MetricPoints(ctx, q) {
			if err != nil || i == f.n {
				yield(model.MetricPoint{}, errors.Join(err, errDiskOnFire))
				return
			}
			if !yield(p, nil) {
				return
			}
			i++
		}
	}
}

func (f failingPoints) Metrics(context.Context, string, time.Time, time.Time) ([]store.MetricInfo, error) {
	return nil, errDiskOnFire
}

func TestMetricsStoreFailures(t *testing.T) {
	st := openStore(t)
	run(t, serve(t, st, func(c *Config) { c.Metrics = failingPoints{st, 1} }), []scenario{
		{name: "error after one point ends the list", url: "/api/metrics/http.server.requests/points", status: 200,
			json: `{"points":[{"value":10}],"error":"store: disk on fire"}`},
		{name: "list", url: "/api/metrics", status: 500, json: `{"error":"store: disk on fire"}`},
	})
	run(t, serve(t, st, func(c *Config) { c.Metrics = failingPoints{st, 0} }), []scenario{
		{name: "error before any point is a 500", url: "/api/metrics/http.server.requests/points", status: 500,
			json: `{"error":"store: disk on fire"}`},
	})
	run(t, serve(t, st, func(c *Config) { c.Metrics = nil }), []scenario{
		{name: "no metric reader", url: "/api/metrics", status: 501, json: `{"error":"this store keeps no metrics"}`},
		{name: "no metric reader for points", url: "/api/metrics/x/points", status: 501},
	})
}
