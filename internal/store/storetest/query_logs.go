package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

const queryLogs = 2000

// logQueryFixture generates n log events of project p1 within [T0, T0+1h)
// and events the queries must never see (project p2, p1 outside the hour).
//
//	services  api 60%, web 40%
//	severity  INFO 70%, WARN 20%, ERROR 10% (text and number)
//	attrs     http.status_code (int; 500 on errors), latency_ms (double)
//	          on all; user (string) on some; region (resource)
//	cwlogs    a third carry log group /app/<service> and a stream
//	traces    every 4th is linked to a trace
func logQueryFixture(n int) (in, noise []model.LogEvent) {
	r := rand.New(rand.NewPCG(3, 5))
	mk := func(i int, project string, at time.Duration) model.LogEvent {
		svc := []string{"api", "api", "api", "web", "web"}[r.IntN(5)]
		sev, num, code := "INFO", int32(9), int64(200)
		switch p := r.IntN(10); {
		case p == 0:
			sev, num, code = "ERROR", 17, 500
		case p <= 2:
			sev, num = "WARN", 13
		}
		attrs := model.Attributes{kv("http.status_code", model.IntValue(code)),
			kv("latency_ms", model.DoubleValue(float64(r.IntN(100000))/100))}
		if r.IntN(3) == 0 {
			attrs = append(attrs, str("user", fmt.Sprintf("u%d", r.IntN(7))))
		}
		ev := model.LogEvent{Project: project, TimeUnixNano: T0.Add(at).UnixNano(), SeverityText: sev, SeverityNumber: num,
			Body: model.StringValue(fmt.Sprintf("%s request %d", sev, i)), Attributes: attrs,
			Resource: resource(svc, str("region", []string{"eu", "us"}[i%2]))}
		if i%3 == 0 {
			ev.LogGroup, ev.LogStream = "/app/"+svc, fmt.Sprintf("stream-%d", i%4)
		}
		if i%4 == 0 {
			ev.TraceID = model.TraceID{0x7a, byte(i >> 8), byte(i), 1}
		}
		return ev
	}
	for i := range n {
		in = append(in, mk(i, "p1", time.Duration(r.Int64N(int64(time.Hour)))))
	}
	for i := range 30 {
		noise = append(noise, mk(n+i, "p2", time.Duration(r.Int64N(int64(time.Hour)))))
		noise = append(noise, mk(n+30+i, "p1", -time.Duration(1+r.Int64N(int64(time.Hour)))))
		noise = append(noise, mk(n+60+i, "p1", time.Hour+time.Duration(r.Int64N(int64(time.Hour)))))
	}
	return in, noise
}

// logQueryCases run queries with Source logs against the oracle.
func logQueryCases() []testCase {
	logs := func(edit func(q *query.Query)) query.Query {
		return hourQuery(func(q *query.Query) { q.Source = query.SourceLogs; edit(q) })
	}
	cases := []struct {
		name string
		q    query.Query
	}{
		{"CountBySeverity", logs(func(q *query.Query) { q.Breakdowns = []string{query.ColSeverityText, query.ColService} })},
		{"PercentileOfAttribute", logs(func(q *query.Query) {
			q.Calculations, q.Breakdowns = calcs("COUNT", "", "P90", "latency_ms", "MAX", query.ColSeverityNumber), []string{query.ColService}
		})},
		{"FilterSeverityNumber", logs(func(q *query.Query) {
			q.Filters = []query.Filter{flt(query.ColSeverityNumber, ">=", 13.0), flt("http.status_code", "=", 500.0)}
		})},
		{"CloudWatchGroups", logs(func(q *query.Query) {
			q.Filters, q.Breakdowns = []query.Filter{flt(query.ColLogGroup, "exists")}, []string{query.ColLogGroup, query.ColLogStream}
		})},
		{"LinkedToTraces", logs(func(q *query.Query) {
			q.Filters = []query.Filter{flt(query.ColTraceID, "exists"), flt(query.ColBody, "contains", "ERROR")}
		})},
		{"OrderByNumericAttribute", logs(func(q *query.Query) {
			// latency_ms is a double: 5.5 comes before 10.25, as numbers, not as text.
			q.Filters = []query.Filter{flt("latency_ms", ">=", 5.0), flt("latency_ms", "<", 20.0)}
			q.Breakdowns, q.Orders, q.Limit = []string{"latency_ms"}, []query.Order{{Column: "latency_ms"}}, 5
		})},
		{"OrderByNumericAttributeDescending", logs(func(q *query.Query) {
			q.Filters = []query.Filter{flt("latency_ms", ">=", 5.0), flt("latency_ms", "<", 20.0)}
			q.Breakdowns, q.Orders, q.Limit = []string{"latency_ms"}, []query.Order{{Column: "latency_ms", Descending: true}}, 5
		})},
		{"ResourceAttributeAndDataset", logs(func(q *query.Query) {
			q.Dataset, q.Breakdowns = "web", []string{"region", "user"}
		})},
		{"ScopedAttributes", logs(func(q *query.Query) {
			q.Filters = []query.Filter{flt("attribute:user", "matches", "u[1-3]"), flt("resource:region", "!=", "us")}
			q.Breakdowns = []string{"resource:region", "attribute:region"}
		})},
	}
	return []testCase{
		{name: "LogQueries", run: func(t *testing.T, b Backend) {
			h := openStore(t, b)
			in, noise := logQueryFixture(queryLogs)
			mustWrite(t, h.Store, &model.Batch{Logs: append(slices.Clone(in), noise...)})
			qr, ok := h.Store.(store.Querier)
			if !ok {
				t.Fatalf("%T does not implement store.Querier", h.Store)
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					got, err := qr.Query(ctx(t), "p1", c.q)
					if err != nil {
						t.Fatalf("query: %v", err)
					}
					want := oracleQuery(logRecords(in), c.q)
					if len(want.Results) == 0 {
						t.Fatal("the oracle finds nothing: the case tests nothing")
					}
					compareResults(t, c.q, got, want)
				})
			}
			t.Run("Columns", func(t *testing.T) {
				byName := checkColumns(t, qr, query.SourceLogs, map[string]query.Column{
					query.ColSeverityText: {Type: query.TypeString, Source: "log"},
					"latency_ms":          {Type: query.TypeFloat, Source: "attribute", Count: queryLogs},
					"http.status_code":    {Type: query.TypeInteger, Source: "attribute", Count: queryLogs, Cardinality: 2},
					"region":              {Type: query.TypeString, Source: "resource", Count: queryLogs, Cardinality: 2},
				})
				if _, ok := byName[query.ColDuration]; ok {
					t.Error("duration_ms listed for logs")
				}
			})
		}},
	}
}
