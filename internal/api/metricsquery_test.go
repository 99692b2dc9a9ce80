package api

import (
	"testing"
	"time"
)

// TestMetricsQuery runs the metrics source of POST /api/query and
// /api/columns over the metrics of the fixture (see fixtureMetrics).
func TestMetricsQuery(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, func(c *Config) { c.Query = st })
	span := `"start_time":` + unix(0) + `,"end_time":` + unix(10*time.Minute)
	run(t, srv, []scenario{
		// checkout's first point in the range (+1m) is its baseline: 15 - 10;
		// payment's only point is its baseline.
		{name: "counter increase by service", method: "POST", url: "/api/query?source=metrics", status: 200,
			body: `{` + span + `,"calculations":[{"op":"SUM","column":"http.server.requests"},{"op":"RATE_SUM","column":"http.server.requests"}],"breakdowns":["service.name"]}`,
			json: `{"query":{"source":"metrics"},"results":[{"data":{"service.name":"checkout","SUM(http.server.requests)":5,"RATE_SUM(http.server.requests)":0.008333333333333333}},
				{"data":{"service.name":"payment","SUM(http.server.requests)":0}}]}`},
		// 4 values in buckets (-inf, 1], (1, 5], (5, +inf) as 1, 2, 1: the
		// median is halfway through (1, 5].
		{name: "histogram percentile", method: "POST", url: "/api/query", status: 200,
			body: `{"source":"metrics",` + span + `,"calculations":[{"op":"P50","column":"latency"},{"op":"P99","column":"latency"}]}`,
			json: `{"results":[{"data":{"P50(latency)":3,"P99(latency)":8.84}}]}`},
		{name: "op that does not fit the type", method: "POST", url: "/api/query?source=metrics", status: 400,
			body: `{` + span + `,"calculations":[{"op":"SUM","column":"temp"}]}`,
			json: `{"error":"calculations[0]: SUM does not read the gauge metric \"temp\": it answers AVG, MIN, MAX, LAST"}`},
		{name: "summary", method: "POST", url: "/api/query?source=metrics", status: 400,
			body: `{` + span + `,"calculations":[{"op":"P50","column":"rpc"}]}`, contains: []string{`do not add up`}},
		{name: "metric operator on spans", method: "POST", url: "/api/query", status: 400,
			body: `{"calculations":[{"op":"RATE_SUM","column":"duration_ms"}]}`,
			json: `{"error":"calculations[0]: RATE_SUM reads metrics only (source metrics)"}`},
		{name: "columns", url: "/api/columns?source=metrics&start=" + unix(0) + "&end=" + unix(10*time.Minute), status: 200,
			json: `{"source":"metrics","columns":[{"name":"service.name","source":"point"},{"name":"library.name"},{"name":"library.version"},
				{"name":"http.server.requests","type":"float","source":"metric","metric_type":"sum","unit":"{request}",
				 "ops":["SUM","RATE_SUM","AVG","MIN","MAX","LAST"],"description":"counter (cumulative) in {request}: requests served"},
				{"name":"http/route/hits"},{"name":"latency","ops":["SUM","RATE_SUM","AVG","P50","P75","P90","P95","P99"]},
				{"name":"payload"},{"name":"rpc","metric_type":"summary"},{"name":"temp"},{"name":"host.name","source":"resource"},{"name":"http.request.method","source":"attribute"}]}`},
		{name: "unknown source", url: "/api/columns?source=traces", status: 400, contains: []string{`want spans, logs or metrics`}},
	})
}
