package duckdb

import (
	"fmt"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

// BenchmarkMetricQuery answers metrics-source queries over an hour of
// 1,000 series of a cumulative counter and 1,000 of a cumulative histogram
// (16 buckets), one point per series and minute: 120,000 points, each
// query reading the 60,000 of its metric (plus the 5 minutes before the
// hour), grouped by one of 20 routes.
func BenchmarkMetricQuery(b *testing.B) {
	s := openTest(b, b.TempDir())
	defer s.Close()
	t0 := time.Now().Add(-time.Hour).Truncate(time.Minute)
	bounds := []float64{0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000}
	const series, minutes = 1000, 65
	for m := range minutes {
		at := t0.Add(time.Duration(m-5) * time.Minute).UnixNano()
		batch := &model.Batch{}
		for i := range series {
			res := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(fmt.Sprintf("svc-%d", i%5))},
				{Key: "host.name", Value: model.StringValue(fmt.Sprintf("host-%d", i%50))}}}
			attrs := model.Attributes{{Key: "http.route", Value: model.StringValue(fmt.Sprintf("/r%d", i%20))},
				{Key: "instance", Value: model.IntValue(int64(i))}}
			n := uint64((m + 1) * (i%7 + 1))
			counts := make([]uint64, len(bounds)+1)
			for k := range counts {
				counts[k] = n * uint64(k%4)
			}
			batch.Metrics = append(batch.Metrics,
				model.MetricPoint{Project: "p", Name: "requests", Type: model.MetricSum, Temporality: model.TemporalityCumulative, Monotonic: true,
					StartUnixNano: t0.Add(-time.Hour).UnixNano(), TimeUnixNano: at, Number: model.Number{Kind: model.NumberInt, Int: int64(n)},
					Attributes: attrs, Resource: res},
				model.MetricPoint{Project: "p", Name: "duration", Type: model.MetricHistogram, Temporality: model.TemporalityCumulative,
					StartUnixNano: t0.Add(-time.Hour).UnixNano(), TimeUnixNano: at, Count: n * 24, Sum: float64(n) * 1000, HasSum: true,
					Bounds: bounds, BucketCounts: counts, Attributes: attrs, Resource: res})
		}
		if err := s.Write(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct{ name, op, metric string }{{"RateSum", "RATE_SUM", "requests"}, {"P99", "P99", "duration"}} {
		b.Run(c.name, func(b *testing.B) {
			q := query.Query{Source: query.SourceMetrics, Start: t0, End: t0.Add(time.Hour),
				Calculations: []query.Calculation{{Op: query.Op(c.op), Column: c.metric}}, Breakdowns: []string{"http.route"}}
			if err := q.Normalize(); err != nil {
				b.Fatal(err)
			}
			cpu0 := cpuTime(b)
			for b.Loop() {
				res, err := s.Query(b.Context(), "p", q)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Results) != 20 {
					b.Fatalf("%d groups, want 20", len(res.Results))
				}
			}
			b.ReportMetric((cpuTime(b)-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(series*minutes)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
