package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
)

// tm is the start of the metrics fixture's hour, away from the others.
var tm = t0.Add(-10 * time.Hour)

func atm(d time.Duration) int64 { return tm.Add(d).UnixNano() }

func unixm(d time.Duration) string { return fmt.Sprint(tm.Add(d).Unix()) }

// metricsStore holds, for each minute i of [tm, tm+1h), an api span
// "GET /x" lasting (i+1)*10ms at i min + 10s (an error when i%10 == 0),
// and for even i a db span lasting 5ms with span.rows = i.
func metricsStore(t *testing.T) *httptest.Server {
	t.Helper()
	st := openStore(t)
	var b model.Batch
	for i := range 60 {
		id := model.TraceID{0xbb, byte(i)}
		at0 := atm(time.Duration(i)*time.Minute + 10*time.Second)
		api := model.Span{Project: model.DefaultProject, TraceID: id, SpanID: model.SpanID{1}, Name: "GET /x", Kind: model.SpanKindServer,
			StartUnixNano: at0, EndUnixNano: at0 + int64(i+1)*int64(10*time.Millisecond), Resource: res("api")}
		if i%10 == 0 {
			api.StatusCode = model.StatusError
		}
		b.Spans = append(b.Spans, api)
		if i%2 == 0 {
			b.Spans = append(b.Spans, model.Span{Project: model.DefaultProject, TraceID: id, SpanID: model.SpanID{2}, ParentSpanID: model.SpanID{1},
				Name: "SELECT", Kind: model.SpanKindClient, StartUnixNano: at0, EndUnixNano: at0 + int64(5*time.Millisecond), Resource: res("db"),
				Attributes: model.Attributes{kv("rows", model.IntValue(int64(i)))}})
		}
	}
	if err := st.Write(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return serve(t, st, func(c *Config) { c.Query = st })
}

// metricsURL is a TraceQL metrics request over [tm, tm+1h).
func metricsURL(route, q, extra string) string {
	return "/api/metrics/" + route + "?q=" + url.QueryEscape(q) + "&start=" + unixm(0) + "&end=" + unixm(time.Hour) + extra
}

func TestMetricsQueryRange(t *testing.T) {
	srv := metricsStore(t)
	ms := func(d time.Duration) string { return fmt.Sprint(tm.Add(d).UnixMilli()) }
	// Counts fill every step; step 10m gives six.
	sixSteps := func(v string) string {
		var s []string
		for i := range 6 {
			s = append(s, `{"timestampMs":"`+ms(time.Duration(i)*10*time.Minute)+`","value":`+v+`}`)
		}
		return strings.Join(s, ",")
	}
	run(t, srv, []scenario{
		{name: "count by service", url: metricsURL("query_range", `{ } | count_over_time() by (resource.service.name)`, "&step=10m"), status: 200,
			json: `{"series":[
				{"labels":[{"key":"resource.service.name","value":{"stringValue":"api"}}],"promLabels":"{resource.service.name=\"api\"}","samples":[` + sixSteps("10") + `]},
				{"labels":[{"key":"resource.service.name","value":{"stringValue":"db"}}],"samples":[` + sixSteps("5") + `]}]}`},
		{name: "rate, no by", url: metricsURL("query_range", `{ status = error } | rate()`, "&step=600"), status: 200,
			json: `{"series":[{"labels":[{"key":"__name__","value":{"stringValue":"rate"}}],"promLabels":"{__name__=\"rate\"}",
				"samples":[` + sixSteps("0.0016666666666666668") + `]}]}`},
		{name: "max of a duration in seconds", url: metricsURL("query_range", `{ resource.service.name = "api" } | max_over_time(duration)`, "&step=30m"), status: 200,
			json: `{"series":[{"samples":[{"timestampMs":"` + ms(0) + `","value":0.3},{"timestampMs":"` + ms(30*time.Minute) + `","value":0.6}]}]}`},
		{name: "avg of an attribute", url: metricsURL("query_range", `{ } | avg_over_time(span.rows) by (name)`, "&step=1h"), status: 200,
			json: `{"series":[{"labels":[{"key":"name","value":{"stringValue":"SELECT"}}],"samples":[{"value":29}]}]}`},
		{name: "quantiles", url: metricsURL("query_range", `{ kind = server } | quantile_over_time(duration, 0, 1)`, "&step=1h"), status: 200,
			json: `{"series":[{"labels":[{"key":"p","value":{"doubleValue":0}}],"promLabels":"{p=\"0\"}","samples":[{"value":0.01}]},
				{"labels":[{"key":"p","value":{"doubleValue":1}}],"samples":[{"value":0.6}]}]}`},
		{name: "by status", url: metricsURL("query_range", `{ resource.service.name = "api" } | count_over_time() by (status)`, "&step=1h"), status: 200,
			json: `{"series":[{"labels":[{"key":"status","value":{"stringValue":"unset"}}],"samples":[{"value":54}]},
				{"labels":[{"key":"status","value":{"stringValue":"error"}}],"samples":[{"value":6}]}]}`},
		{name: "a missing label", url: metricsURL("query_range", `{ } | count_over_time() by (span.rows)`, "&step=1h"), status: 200,
			contains: []string{`{"key":"span.rows","value":{}}],"promLabels":"{span.rows=\"<nil>\"}","samples":[{"timestampMs":"` + ms(0) + `","value":60}]`}},
		{name: "no span", url: metricsURL("query_range", `{ name = "nope" } | rate()`, "&step=1h"), status: 200, json: `{"series":[]}`},
		{name: "range aligned to step", url: "/api/metrics/query_range?q=" + url.QueryEscape(`{ kind = client } | count_over_time()`) +
			"&start=" + unixm(5*time.Minute) + "&end=" + unixm(15*time.Minute) + "&step=10m", status: 200,
			json: `{"series":[{"samples":[{"timestampMs":"` + ms(0) + `","value":5},{"timestampMs":"` + ms(10*time.Minute) + `","value":5}]}]}`},
		{name: "since", url: "/api/metrics/query_range?q=" + url.QueryEscape(`{ } | count_over_time()`) + "&end=" + unixm(time.Hour) + "&since=30m&step=30m", status: 200,
			json: `{"series":[{"samples":[{"timestampMs":"` + ms(30*time.Minute) + `","value":45}]}]}`},

		{name: "unsupported function", url: metricsURL("query_range", `{ } | histogram_over_time(duration)`, ""), status: 400,
			json: `{"error":"q: at 6: the metrics function histogram_over_time() is not supported yet"}`},
		{name: "unknown function", url: metricsURL("query_range", `{ } | frobnicate()`, ""), status: 400,
			json: `{"error":"q: at 6: unknown function frobnicate()"}`},
		{name: "not a metrics query", url: metricsURL("query_range", `{ }`, ""), status: 400,
			json: `{"error":"q: at 0: not a metrics query: end it with a metrics function such as | rate()"}`},
		{name: "bad step", url: metricsURL("query_range", `{ } | rate()`, "&step=x"), status: 400, json: `{"error":"step: \"x\": want a duration such as 15s"}`},
		{name: "step too small", url: metricsURL("query_range", `{ } | rate()`, "&step=100ms"), status: 400, json: `{"error":"step: \"100ms\": must be at least 1s"}`},
		{name: "too many steps", url: metricsURL("query_range", `{ } | rate()`, "&step=1s"), status: 400, json: `{"error":"step: 1s cuts the time range into more than 2000 buckets"}`},
		{name: "start after end", url: "/api/metrics/query_range?q=" + url.QueryEscape(`{ } | rate()`) + "&start=" + unixm(time.Hour) + "&end=" + unixm(0), status: 400,
			contains: []string{`"error":"start: `}},
		{name: "the points of a metric named query_range", url: "/api/metrics/query_range/points", status: 200, json: `{"points":[]}`},
	})
}

func TestMetricsQueryInstant(t *testing.T) {
	srv := metricsStore(t)
	run(t, srv, []scenario{
		{name: "count by service", url: metricsURL("query", `{ } | count_over_time() by (resource.service.name)`, ""), status: 200,
			json: `{"series":[{"labels":[{"key":"resource.service.name","value":{"stringValue":"api"}}],"promLabels":"{resource.service.name=\"api\"}","value":60},
				{"labels":[{"key":"resource.service.name","value":{"stringValue":"db"}}],"value":30}]}`},
		{name: "rate over the range", url: metricsURL("query", `{ kind = client } | rate()`, ""), status: 200,
			json: `{"series":[{"labels":[{"key":"__name__","value":{"stringValue":"rate"}}],"value":0.008333333333333333}]}`},
		{name: "sum", url: metricsURL("query", `{ } | sum_over_time(span.rows)`, ""), status: 200, json: `{"series":[{"value":870}]}`},
		{name: "step is not read", url: metricsURL("query", `{ } | count_over_time()`, "&step=x"), status: 200, json: `{"series":[{"value":90}]}`},
		{name: "structural", url: metricsURL("query", `{ } > { } | rate()`, ""), status: 400,
			json: `{"error":"q: at 12: rate() after the spanset operator > is not supported yet"}`},
	})
}

// TestMetricsSameAsQuery: a TraceQL metrics query gives the numbers POST
// /api/query gives for the same spans, calculation, breakdown and buckets.
func TestMetricsSameAsQuery(t *testing.T) {
	srv := metricsStore(t)
	for _, c := range []struct {
		traceql string
		spec    string // calculations, filters and breakdowns of the same query
		calc    string // the calculation's name in the answer
		scale   float64
	}{
		{`{ } | count_over_time() by (resource.service.name)`, `"breakdowns":["service.name"]`, "COUNT", 1},
		{`{ resource.service.name = "api" } | rate() by (status)`,
			`"filters":[{"column":"service.name","op":"=","value":"api"}],"breakdowns":["status_code"]`, "COUNT", 1.0 / 600},
		{`{ kind = server } | quantile_over_time(duration, .9)`,
			`"calculations":[{"op":"P90","column":"duration_ms"}],"filters":[{"column":"span.kind","op":"=","value":"server"}]`, "P90(duration_ms)", 0.001},
		{`{ } | avg_over_time(duration) by (name)`, `"calculations":[{"op":"AVG","column":"duration_ms"}],"breakdowns":["name"]`, "AVG(duration_ms)", 0.001},
		{`{ span.rows > 10 } | min_over_time(span.rows)`,
			`"calculations":[{"op":"MIN","column":"attribute:rows"}],"filters":[{"column":"attribute:rows","op":">","value":10}]`, "MIN(attribute:rows)", 1},
	} {
		var tq struct {
			Series []struct {
				Samples []struct {
					TimestampMs string  `json:"timestampMs"`
					Value       float64 `json:"value"`
				} `json:"samples"`
			} `json:"series"`
		}
		get(t, srv, metricsURL("query_range", c.traceql, "&step=10m"), &tq)
		var hq struct {
			Series []struct {
				Time string         `json:"time"`
				Data map[string]any `json:"data"`
			} `json:"series"`
		}
		spec := fmt.Sprintf(`{"start_time":%d,"end_time":%d,"granularity":600,%s}`, tm.Unix(), tm.Add(time.Hour).Unix(), c.spec)
		if !strings.Contains(spec, "calculations") {
			spec = strings.Replace(spec, `"granularity":600,`, `"granularity":600,"calculations":[{"op":"COUNT"}],`, 1)
		}
		post(t, srv, "/api/query", spec, &hq)
		// Every non-zero sample of the TraceQL series, as (time, value),
		// is a row of the query's series, and the counts agree.
		var got, want []string
		for _, s := range tq.Series {
			for _, p := range s.Samples {
				if p.Value != 0 {
					got = append(got, p.TimestampMs+"="+round(p.Value))
				}
			}
		}
		for _, row := range hq.Series {
			tm, err := time.Parse(time.RFC3339, row.Time)
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := row.Data[c.calc].(float64); ok {
				want = append(want, fmt.Sprint(tm.UnixMilli())+"="+round(v*c.scale))
			}
		}
		if len(got) == 0 || !sameMultiset(got, want) {
			t.Errorf("%s:\n traceql %v\n   query %v", c.traceql, got, want)
		}
	}
}

func round(v float64) string { return fmt.Sprintf("%.9g", math.Round(v*1e9)/1e9) }

func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	n := map[string]int{}
	for _, s := range a {
		n[s]++
	}
	for _, s := range b {
		n[s]--
	}
	for _, v := range n {
		if v != 0 {
			return false
		}
	}
	return true
}

func get(t *testing.T, srv *httptest.Server, path string, v any) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	decodeReply(t, resp, v)
}

func post(t *testing.T, srv *httptest.Server, path, body string, v any) {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	decodeReply(t, resp, v)
}

func decodeReply(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s %v", resp.StatusCode, body, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}
