package duckdb

import (
	"fmt"
	"math"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
)

// chunkMetrics makes n points of every type, whose optional values are set
// and unset in patterns that cross chunk edges, with lists of every length
// up to 9 and doubles JSON cannot hold.
func chunkMetrics(n int) []model.MetricPoint {
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -0.0, math.MaxFloat64, math.SmallestNonzeroFloat64}
	res := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("svc")}}}
	out := make([]model.MetricPoint, n)
	for i := range out {
		m := model.MetricPoint{Project: "p", Name: "m", Type: model.MetricType(1 + i%5), TimeUnixNano: t0.UnixNano() + int64(i),
			StartUnixNano: t0.UnixNano(), Resource: res, Attributes: model.Attributes{{Key: "i", Value: model.IntValue(int64(i))}}}
		d := float64(i) / 7
		if i%11 == 0 {
			d = specials[i%len(specials)]
		}
		switch m.Type {
		case model.MetricGauge, model.MetricSum:
			switch i % 3 {
			case 0:
				m.Number = model.Number{Kind: model.NumberDouble, Double: d}
			case 1:
				m.Number = model.Number{Kind: model.NumberInt, Int: int64(i) * -1e12}
			}
			m.Temporality, m.Monotonic = model.Temporality(i%3), i%2 == 0
		case model.MetricHistogram, model.MetricExponentialHistogram:
			m.Count = uint64(i) << 40
			// Absent values are zero, as otlpconv leaves them.
			if m.HasSum = i%2 == 0; m.HasSum {
				m.Sum = d
			}
			if m.HasMin = i%3 == 0; m.HasMin {
				m.Min = -d
			}
			if m.HasMax = i%5 == 0; m.HasMax {
				m.Max = d * 2
			}
			for j := range i % 10 {
				m.Bounds = append(m.Bounds, float64(j)+d)
				m.BucketCounts = append(m.BucketCounts, uint64(j)*math.MaxUint32)
				m.Positive.Counts = append(m.Positive.Counts, uint64(j))
			}
			if len(m.BucketCounts) > 0 {
				m.BucketCounts = append(m.BucketCounts, math.MaxUint64)
			}
			m.Scale, m.ZeroCount, m.ZeroThreshold = int32(i%20-10), uint64(i), d
			m.Positive.Offset, m.Negative = int32(-i), model.ExpBuckets{Offset: int32(i), Counts: m.Positive.Counts}
		case model.MetricSummary:
			m.Count, m.Sum, m.HasSum = uint64(i), d, true
			for j := range i % 4 {
				m.Quantiles = append(m.Quantiles, model.Quantile{Quantile: float64(j) / 4, Value: d + float64(j)})
			}
		}
		if i%7 == 0 {
			m.Exemplars = []model.Exemplar{{TimeUnixNano: int64(i), Value: model.Number{Kind: model.NumberDouble, Double: d},
				TraceID: model.TraceID{1, 15: byte(i)}}}
		}
		out[i] = m
	}
	return out
}

// TestWriteMetricChunks writes more points than a chunk holds, in several
// prepared batches of one commit, and reads every point back bit for bit.
func TestWriteMetricChunks(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	points := chunkMetrics(5000)
	var prepared []any
	for _, r := range [][2]int{{0, 100}, {100, 2500}, {2500, 5000}} {
		e, err := s.Prepare(&model.Batch{Metrics: points[r[0]:r[1]]})
		if err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, e)
	}
	if err := s.WritePrepared(t.Context(), prepared); err != nil {
		t.Fatal(err)
	}
	i := 0
	for got, err := range s.MetricPoints(t.Context(), store.MetricQuery{Project: "p", Name: "m", Limit: len(points) + 1}) {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(points) {
			t.Fatalf("read more than the %d points written", len(points))
		}
		// %v prints NaN as NaN and tells -0 from 0, where DeepEqual
		// finds NaN unequal to itself.
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", points[i]); g != w {
			t.Fatalf("point %d differs:\n got %s\nwant %s", i, g, w)
		}
		i++
	}
	if i != len(points) {
		t.Fatalf("read %d points, wrote %d", i, len(points))
	}
}

// BenchmarkWriteMetrics measures encoding and committing metric points in
// batches of 512, the points of every type (chunkMetrics).
func BenchmarkWriteMetrics(b *testing.B) {
	s := openTest(b, b.TempDir())
	defer s.Close()
	const size, batches = 512, 16
	pool := chunkMetrics(size * batches)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		off := (i % batches) * size
		if err := s.Write(b.Context(), &model.Batch{Metrics: pool[off : off+size]}); err != nil {
			b.Fatal(err)
		}
		n += size
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "points/s")
}
