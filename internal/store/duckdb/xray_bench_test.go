package duckdb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/receiver/xray/segment"
	"lookout/internal/receiver/xrayapi"
	"lookout/internal/store/duckdb"
	"lookout/internal/xrayread"
)

// X-Ray read benchmarks over 1M segments and subsegments: 200,000 traces of
// a segment with 4 subsegments (the segment carries its 700-byte document,
// 3 annotations, HTTP fields), spread over 24 hours. Set
// LOOKOUT_XRAY_BENCH_DIR to keep the data set between runs.

const (
	xbTraces = 200_000
	xbSpans  = 5 // per trace
)

var xbDay = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// openXRayBench opens (generating when needed) the data set; close it with
// the returned function.
func openXRayBench(b *testing.B) (*duckdb.Store, func()) {
	reuse, keep := false, false
	dir := os.Getenv("LOOKOUT_XRAY_BENCH_DIR")
	if dir != "" {
		_, err := os.Stat(dir)
		reuse, keep = err == nil, true
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "lookout-xray-bench-"); err != nil {
			b.Fatal(err)
		}
	}
	cfg := duckdb.DefaultConfig()
	cfg.Dir = dir
	s, err := duckdb.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	done := func() {
		s.Close()
		if !keep {
			os.RemoveAll(dir)
		}
	}
	if reuse {
		return s, done
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(7, 8))
	const batch = 1000 // traces
	for t := 0; t < xbTraces; t += batch {
		spans := make([]model.Span, 0, batch*xbSpans)
		for i := t; i < t+batch; i++ {
			spans = append(spans, xraySegment(rng, i)...)
		}
		if err := s.Write(context.Background(), &model.Batch{Spans: spans}); err != nil {
			done()
			b.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "generated %d x-ray spans in %v\n", xbTraces*xbSpans, time.Since(start).Round(time.Millisecond))
	return s, done
}

var (
	xbServices = []string{"shop", "cart", "checkout", "payment", "search"}
	xbTiers    = []string{"gold", "silver", "bronze", "free"}
	xbDoc      = `{"name":"shop","id":"%s","trace_id":"%s","start_time":%d.123,"end_time":%d.456,"http":{"request":{"method":"GET","url":"https://shop.example.com/cart/%d"},"response":{"status":%d}},"annotations":{"tier":"%s","customer":%d},"subsegments":[` +
		strings.Repeat(`{"name":"db","id":"0123456789abcdef","start_time":1,"end_time":2},`, 6) + `{}]}`
)

// xraySegment is trace i: a segment and 4 subsegments, as the X-Ray receiver
// maps them.
func xraySegment(rng *rand.Rand, i int) []model.Span {
	var tid model.TraceID
	st := xbDay.Add(time.Duration(int64(24*time.Hour) * int64(i) / xbTraces))
	copy(tid[:4], []byte{byte(st.Unix() >> 24), byte(st.Unix() >> 16), byte(st.Unix() >> 8), byte(st.Unix())})
	for j := 4; j < 16; j++ {
		tid[j] = byte(rng.UintN(256))
	}
	svc := xbServices[rng.IntN(len(xbServices))]
	status := []int64{200, 200, 200, 200, 404, 500}[rng.IntN(6)]
	tier := xbTiers[rng.IntN(len(xbTiers))]
	res := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(svc)}}}
	scope := model.Scope{Name: segment.ScopeName}
	seg := model.SpanID{byte(i >> 16), byte(i >> 8), byte(i), 1, 1, 1, 1, 1}
	dur := time.Duration(rng.ExpFloat64() * float64(50*time.Millisecond))
	attrs := model.Attributes{
		{Key: "http.request.method", Value: model.StringValue("GET")},
		{Key: "url.full", Value: model.StringValue(fmt.Sprintf("https://shop.example.com/cart/%d", i))},
		{Key: "http.response.status_code", Value: model.IntValue(status)},
		{Key: "aws.xray.annotations.tier", Value: model.StringValue(tier)},
		{Key: "aws.xray.annotations.customer", Value: model.IntValue(int64(i % 5000))},
		{Key: "aws.xray.annotations.vip", Value: model.BoolValue(i%100 == 0)},
		{Key: "aws.xray.metadata.default", Value: model.StringValue(`{"cart":{"skus":["a","b"]}}`)},
	}
	if status == 500 {
		attrs = append(attrs, model.KeyValue{Key: "aws.xray.fault", Value: model.BoolValue(true)})
	} else if status == 404 {
		attrs = append(attrs, model.KeyValue{Key: "aws.xray.error", Value: model.BoolValue(true)})
	}
	attrs = append(attrs, model.KeyValue{Key: "aws.xray.segment.document", Value: model.StringValue(
		fmt.Sprintf(xbDoc, seg, tid.XRayString(), st.Unix(), st.Unix(), i, status, tier, i%5000))})
	spans := []model.Span{{Project: model.DefaultProject, TraceID: tid, SpanID: seg, Name: svc, Kind: model.SpanKindServer,
		StartUnixNano: st.UnixNano(), EndUnixNano: st.Add(dur).UnixNano(), Attributes: attrs, Resource: res, Scope: scope, Flags: 1}}
	for k := 1; k < xbSpans; k++ {
		sid := seg
		sid[7] = byte(k + 1)
		sub := model.Span{Project: model.DefaultProject, TraceID: tid, SpanID: sid, ParentSpanID: seg, Name: fmt.Sprintf("step-%d", k),
			Kind: model.SpanKindInternal, StartUnixNano: st.Add(dur * time.Duration(k) / 10).UnixNano(),
			EndUnixNano: st.Add(dur * time.Duration(k+1) / 10).UnixNano(), Resource: res, Scope: scope, Flags: 1}
		if k == 1 {
			sub.Kind, sub.Name = model.SpanKindClient, "DynamoDB"
			sub.Attributes = model.Attributes{{Key: "aws.xray.namespace", Value: model.StringValue("aws")}}
		}
		spans = append(spans, sub)
	}
	return spans
}

// BenchmarkXRayGetTraceSummaries measures GetTraceSummaries through its
// HTTP handler (no network) over the 1M-span data set:
//   - first-page: the first page (100 summaries) of one hour, no filter;
//   - annotation-hour: an annotation filter matching 1 % of one hour's
//     traces, all pages (every trace of the hour is examined);
//   - fault-6h: a fault filter on one service over six hours, all pages.
func BenchmarkXRayGetTraceSummaries(b *testing.B) {
	s, done := openXRayBench(b)
	defer done()
	reads, err := xrayread.New(xrayread.DefaultConfig(), s)
	if err != nil {
		b.Fatal(err)
	}
	api, err := xrayapi.NewReadAPI(xrayapi.DefaultReadConfig(), reads)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	b.Run("first-page", func(b *testing.B) { benchSummaries(b, mux, time.Hour, "", 1) })
	b.Run("annotation-hour", func(b *testing.B) {
		benchSummaries(b, mux, time.Hour, `annotation.vip = true AND annotation.tier = "gold"`, 1000)
	})
	b.Run("fault-6h", func(b *testing.B) { benchSummaries(b, mux, 6*time.Hour, `fault AND service("payment")`, 10000) })
}

// benchSummaries posts GetTraceSummaries requests, following NextToken up
// to pages pages, and reports what one full read found and scanned.
func benchSummaries(b *testing.B, mux *http.ServeMux, window time.Duration, filter string, pages int) {
	from := xbDay.Add(6 * time.Hour)
	var found, processed int64
	for b.Loop() {
		token := ""
		found, processed = 0, 0
		for p := 0; p < pages; p++ {
			body := map[string]any{"StartTime": from.Unix(), "EndTime": from.Add(window).Unix(), "FilterExpression": filter}
			if token != "" {
				body["NextToken"] = token
			}
			raw, _ := json.Marshal(body)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, xrayapi.TraceSummariesPath, strings.NewReader(string(raw))))
			var out struct {
				TraceSummaries       []json.RawMessage
				TracesProcessedCount int64
				NextToken            string
			}
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			found += int64(len(out.TraceSummaries))
			processed += out.TracesProcessedCount
			if token = out.NextToken; token == "" {
				break
			}
		}
	}
	b.ReportMetric(float64(found), "summaries")
	b.ReportMetric(float64(processed), "traces-scanned")
}
