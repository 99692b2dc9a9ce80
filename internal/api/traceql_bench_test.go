package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"lookout/internal/model"
)

// BenchmarkTraceQL times TraceQL searches and metrics through the API on a
// DuckDB store with 10,000 traces of 4 spans over the hour [tm, tm+1h):
// a server root (one of 5 services) with a database call, a render and a
// cache call under it. 10% of the traces have an error: on the database
// call in one of ten of them, on the root in the others, so the structural
// query below selects 1,000 candidates and matches 100.
func BenchmarkTraceQL(b *testing.B) {
	st := openStore(b)
	const traces = 10000
	for lo := 0; lo < traces; lo += 1000 {
		var batch model.Batch
		for i := lo; i < lo+1000; i++ {
			id := model.TraceID{0xcc, byte(i >> 16), byte(i >> 8), byte(i)}
			start := atm(time.Duration(i) * time.Hour / traces)
			svc := res(fmt.Sprintf("svc-%d", i%5))
			sp := func(n byte, parent byte, name string, kind model.SpanKind, dur time.Duration) model.Span {
				s := model.Span{Project: model.DefaultProject, TraceID: id, SpanID: model.SpanID{n}, Name: name, Kind: kind,
					StartUnixNano: start + int64(n)*1e6, EndUnixNano: start + int64(n)*1e6 + int64(dur), Resource: svc}
				if parent != 0 {
					s.ParentSpanID = model.SpanID{parent}
				}
				return s
			}
			spans := []model.Span{sp(1, 0, "GET /x", model.SpanKindServer, time.Duration(20+i%80)*time.Millisecond),
				sp(2, 1, "SELECT", model.SpanKindClient, 5*time.Millisecond), sp(3, 1, "render", model.SpanKindInternal, 2*time.Millisecond),
				sp(4, 1, "GET cache", model.SpanKindClient, time.Millisecond)}
			spans[2].Attributes = model.Attributes{str("db.system", "postgresql")}
			switch {
			case i%100 == 0:
				spans[1].StatusCode = model.StatusError
			case i%10 == 0:
				spans[0].StatusCode = model.StatusError
			}
			batch.Spans = append(batch.Spans, spans...)
		}
		if err := st.Write(context.Background(), &batch); err != nil {
			b.Fatal(err)
		}
	}
	srv := serve(b, st, func(c *Config) { c.Query = st })
	window := "&start=" + unixm(0) + "&end=" + unixm(time.Hour)
	for _, c := range []struct{ name, path, want string }{
		{"search plain", "/api/search?q=" + url.QueryEscape(`{ status = error && kind = client }`) + window, `"inspectedTraces":20,`},
		{"search structural", "/api/search?q=" + url.QueryEscape(`{ kind = server } >> { status = error }`) + window, `"inspectedTraces":200,`},
		{"query_range rate by service", "/api/metrics/query_range?q=" + url.QueryEscape(`{ } | rate() by (resource.service.name)`) + window + "&step=60s", `resource.service.name=\"svc-4\"`},
		{"query_range p99 by service", "/api/metrics/query_range?q=" + url.QueryEscape(`{ kind = server } | quantile_over_time(duration, .99) by (resource.service.name)`) + window + "&step=60s", `resource.service.name=\"svc-4\"`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := http.Get(srv.URL + c.path)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(c.want)) {
					b.Fatalf("%d: %s", resp.StatusCode, body)
				}
			}
		})
	}
}
