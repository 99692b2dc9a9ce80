package api

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
)

// The query scenarios run on the fixture: in the default two hours before
// now (t0-1h .. t0+1h) there are five spans: checkout "GET /cart" 120ms ok,
// db "SELECT cart" 50ms error, payment "POST /pay" 2s error, legacy
// "xray-segment" 300ms, checkout "GET /short" 1ms.
func TestQueryScenarios(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, func(c *Config) { c.Query = st })
	post := http.MethodPost
	run(t, srv, []scenario{
		{name: "CountDefault", method: post, url: "/api/query", body: `{}`, status: 200,
			json: `{"query":{"dataset":"all","granularity":300,"calculations":["COUNT"]},"results":[{"data":{"COUNT":5}}]}`},
		{name: "CountP99ByService", method: post, url: "/api/query", status: 200,
			body: `{"time_range":7200,"calculations":[{"op":"COUNT"},{"op":"P99","column":"duration_ms"}],"breakdowns":["service.name"]}`,
			json: `{"results":[{"data":{"service.name":"checkout","COUNT":2}},{"data":{"service.name":"db","COUNT":1,"P99(duration_ms)":50}},
				{"data":{"service.name":"legacy","COUNT":1}},{"data":{"service.name":"payment","COUNT":1,"P99(duration_ms)":2000}}]}`,
			check: func(t *testing.T, body []byte) {
				var r struct {
					Results []struct{ Data map[string]any } `json:"results"`
					Series  []struct {
						Time string
						Data map[string]any
					} `json:"series"`
				}
				if err := json.Unmarshal(body, &r); err != nil {
					t.Fatal(err)
				}
				// exact P99 of {1, 120}: 1 + 0.99*(120-1)
				if p := r.Results[0].Data["P99(duration_ms)"].(float64); math.Abs(p-118.81) > 1e-9 {
					t.Errorf("checkout P99 %v, want 118.81", p)
				}
				if len(r.Series) != 5 {
					t.Errorf("%d series points, want 5 (one per span's minute)", len(r.Series))
				}
			}},
		{name: "FilterAndDataset", method: post, url: "/api/query?dataset=checkout", status: 200,
			body: `{"start_time":1741597200,"end_time":1741604400,"filters":[{"column":"duration_ms","op":">","value":10}]}`,
			json: `{"query":{"dataset":"checkout"},"results":[{"data":{"COUNT":1}}]}`},
		{name: "FilterOrAttribute", method: post, url: "/api/query", status: 200,
			body: `{"filter_combination":"OR","filters":[{"column":"db.system","op":"=","value":"postgres"},{"column":"error","op":"=","value":true}],
				"breakdowns":["name"],"orders":[{"column":"name","order":"ascending"}]}`,
			json: `{"results":[{"data":{"name":"POST /pay","COUNT":1}},{"data":{"name":"SELECT cart","COUNT":1}}]}`},
		{name: "InFilterHavingLimit", method: post, url: "/api/query", status: 200,
			body: `{"filters":[{"column":"service.name","op":"in","value":["checkout","payment"]}],"breakdowns":["service.name"],
				"havings":[{"calculate_op":"COUNT","op":">=","value":2}],"limit":5}`,
			json: `{"results":[{"data":{"service.name":"checkout","COUNT":2}}]}`},
		{name: "Heatmap", method: post, url: "/api/query", status: 200,
			body: `{"calculations":[{"op":"HEATMAP","column":"duration_ms"}],"granularity":3600}`,
			json: `{"heatmaps":[{"name":"HEATMAP(duration_ms)","min":1,"max":2000,"buckets":50}]}`,
			check: func(t *testing.T, body []byte) {
				var r struct {
					Results []struct{ Data map[string][]int64 } `json:"results"`
				}
				if err := json.Unmarshal(body, &r); err != nil {
					t.Fatal(err)
				}
				h := r.Results[0].Data["HEATMAP(duration_ms)"]
				// buckets 39.98ms wide from 1ms: 1ms, 50ms, 120ms, 300ms, 2s
				if len(h) != 50 || h[0] != 1 || h[1] != 1 || h[2] != 1 || h[7] != 1 || h[49] != 1 {
					t.Errorf("heatmap %v, want one span in each of buckets 0, 1, 2, 7 and 49", h)
				}
			}},
		{name: "EmptyResult", method: post, url: "/api/query", status: 200,
			body: `{"filters":[{"column":"name","op":"=","value":"nope"}]}`, json: `{"results":[],"series":[]}`},
		{name: "BadOp", method: post, url: "/api/query", status: 400,
			body: `{"calculations":[{"op":"P12X","column":"duration_ms"}]}`, json: `{"error":"calculations[0]: op \"P12X\": want COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX, HEATMAP, a percentile such as P99, or LAST or RATE_SUM (metrics)"}`},
		{name: "LogsBySeverity", method: post, url: "/api/query?source=logs", status: 200,
			body: `{"filters":[{"column":"severity_number","op":">=","value":13}],"breakdowns":["severity_text","log.group"],
				"orders":[{"column":"severity_text","order":"ascending"}]}`,
			json: `{"query":{"source":"logs"},"results":[{"data":{"severity_text":"ERROR","log.group":"/aws/lambda/pay","COUNT":1}},
				{"data":{"severity_text":"FATAL","log.group":null,"COUNT":1}},{"data":{"severity_text":"WARN","log.group":null,"COUNT":1}}]}`},
		{name: "LogsSourceInBody", method: post, url: "/api/query", status: 200,
			body: `{"source":"logs","filters":[{"column":"user.id","op":"=","value":42}]}`,
			json: `{"query":{"source":"logs"},"results":[{"data":{"COUNT":1}}]}`},
		{name: "BadSource", method: post, url: "/api/query?source=traces", body: `{}`, status: 400,
			json: `{"error":"source: \"traces\": want spans, logs or metrics"}`},
		{name: "BadFilterOp", method: post, url: "/api/query", status: 400,
			body: `{"filters":[{"column":"x","op":"~"}]}`, contains: []string{`filters[0].op`}},
		{name: "MissingFilterValue", method: post, url: "/api/query", status: 400,
			body: `{"filters":[{"column":"x","op":"="}]}`, contains: []string{`filters[0].value`}},
		{name: "DurationWithUnit", method: post, url: "/api/query", status: 400,
			body: `{"filters":[{"column":"duration_ms","op":">","value":"1s"}]}`,
			json: `{"error":"filters[0].value: duration_ms > \"1s\": duration_ms is a number; give a number of milliseconds (1000 for 1s)"}`},
		{name: "DurationAsNumber", method: post, url: "/api/query", status: 200,
			body: `{"filters":[{"column":"duration_ms","op":">","value":1000}]}`, json: `{"results":[{"data":{"COUNT":1}}]}`},
		{name: "DoubledOperator", method: post, url: "/api/query", status: 400,
			body: `{"filters":[{"column":"name","op":"=","value":"x"},{"column":"http.route","op":"==","value":"/api/checkout"}]}`,
			json: `{"error":"filters[1].op: http.route == \"/api/checkout\": \"==\" is not a filter operator"}`},
		{name: "TextOnNumberField", method: post, url: "/api/query", status: 400,
			body: `{"filters":[{"column":"status_code","op":"starts-with","value":"2"}]}`, contains: []string{`filters[0].op: status_code starts-with`}},
		{name: "BooleanFieldText", method: post, url: "/api/query", status: 400,
			body: `{"filters":[{"column":"error","op":"=","value":"yes"}]}`, contains: []string{`filters[0].value: error = \"yes\"`}},
		{name: "LogSeverityAsText", method: post, url: "/api/query?source=logs", status: 400,
			body: `{"filters":[{"column":"severity_number","op":">=","value":"WARN"}]}`, contains: []string{`filters[0].value: severity_number `, `\"WARN\": severity_number is a whole number`}},
		{name: "SourceInURLDecidesTypes", method: post, url: "/api/query?source=spans", status: 400,
			body: `{"source":"logs","filters":[{"column":"duration_ms","op":">","value":"1s"}]}`, contains: []string{`filters[0].value`}},
		{name: "UnknownField", method: post, url: "/api/query", status: 400,
			body: `{"calculation":[]}`, json: `{"error":"calculation: unknown field"}`},
		{name: "WrongType", method: post, url: "/api/query", status: 400,
			body: `{"time_range":"2h"}`, contains: []string{`time_range`}},
		{name: "OrderNotACalculation", method: post, url: "/api/query", status: 400,
			body: `{"orders":[{"op":"AVG","column":"duration_ms"}]}`, contains: []string{`orders[0]`}},
		{name: "TooManyBuckets", method: post, url: "/api/query", status: 400,
			body: `{"time_range":86400,"granularity":1}`, contains: []string{`granularity`}},
		{name: "NotJSON", method: post, url: "/api/query", status: 400, body: `{`, contains: []string{`body`}},
		{name: "GetNotAllowed", url: "/api/query", status: 405,
			json: `{"error":"GET /api/query is not supported: the route takes POST"}`},
		{name: "UnknownRoute", method: post, url: "/api/nope", status: 404,
			json: `{"error":"POST /api/nope is not supported: no such route in Lookout's API"}`},
		{name: "APIRoot", url: "/api", status: 404, contains: []string{`"error"`}},
	})
}

func TestColumnsScenarios(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, func(c *Config) { c.Query = st })
	run(t, srv, []scenario{
		{name: "All", url: "/api/columns", status: 200, json: `{"dataset":"all"}`,
			contains: []string{`{"name":"duration_ms","type":"float","source":"span"`, `"name":"db.system","type":"string","source":"attribute","count":1,"cardinality":1`,
				`"name":"host.name","type":"string","source":"resource"`}},
		{name: "Dataset", url: "/api/columns?dataset=payment", status: 200, json: `{"dataset":"payment"}`,
			contains: []string{`"name":"http.status_code","type":"integer"`}, notContains: []string{`db.system`}},
		{name: "BadStart", url: "/api/columns?start=yesterday", status: 400, contains: []string{`start`}},
		{name: "Logs", url: "/api/columns?source=logs", status: 200, json: `{"source":"logs"}`,
			contains:    []string{`{"name":"severity_text","type":"string","source":"log"`, `"name":"user.id","type":"integer","source":"attribute"`},
			notContains: []string{`duration_ms`}},
		{name: "BadSource", url: "/api/columns?source=traces", status: 400, contains: []string{`source`}},
	})
}

func TestBubbleUpScenarios(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, func(c *Config) { c.Query = st })
	post := http.MethodPost
	run(t, srv, []scenario{
		{name: "SlowSpans", method: post, url: "/api/bubbleup", status: 200,
			body: `{"query":{"time_range":7200},"selection":{"column":"duration_ms","min":100}}`,
			json: `{"inside":3,"outside":2}`, contains: []string{`"column":"service.name"`, `"column":"duration_ms","score":1,"binned":true`}},
		{name: "ErrorFilter", method: post, url: "/api/bubbleup", status: 200,
			body: `{"query":{},"selection":{"filters":[{"column":"error","op":"=","value":true}]}}`,
			json: `{"inside":2,"outside":3}`, contains: []string{`"column":"status_code","score":1,`}},
		{name: "EmptySelection", method: post, url: "/api/bubbleup", status: 400,
			body: `{"query":{},"selection":{}}`, contains: []string{`selection: selects nothing`}},
		{name: "BadQuery", method: post, url: "/api/bubbleup", status: 400,
			body: `{"query":{"limit":-1},"selection":{"column":"duration_ms","min":1}}`, contains: []string{`query.limit`}},
		{name: "LogsNotSupported", method: post, url: "/api/bubbleup", status: 400,
			body: `{"query":{"source":"logs"},"selection":{"column":"severity_number","min":17}}`, contains: []string{`query.source`}},
		{name: "SelectionFilterType", method: post, url: "/api/bubbleup", status: 400,
			body: `{"query":{},"selection":{"filters":[{"column":"duration_ms","op":">=","value":"250ms"}]}}`, contains: []string{`selection.filters[0].value: duration_ms `, `\"250ms\": duration_ms is a number`}},
		{name: "QueryFilterType", method: post, url: "/api/bubbleup", status: 400,
			body: `{"query":{"filters":[{"column":"duration_ms","op":"<","value":"2s"}]},"selection":{"column":"duration_ms","min":1}}`, contains: []string{`filters[0].value`}},
		{name: "RangeWithoutColumn", method: post, url: "/api/bubbleup", status: 400,
			body: `{"query":{},"selection":{"min":1}}`, contains: []string{`selection.column`}},
	})
}

func TestQueryNotConfigured(t *testing.T) {
	st := openStore(t)
	srv := serve(t, st, nil)
	run(t, srv, []scenario{
		{name: "Query", method: http.MethodPost, url: "/api/query", body: `{}`, status: 501},
		{name: "Columns", url: "/api/columns", status: 501},
	})
}
