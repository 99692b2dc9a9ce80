package storetest

import (
	"fmt"
	"iter"
	"math"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
)

func metricCases(Backend) []testCase {
	return []testCase{
		{name: "EveryValue", run: testMetricValues},
	}
}

// MetricPointsOfEveryType makes n points of metric "m" in project "p", of
// every type in turn, one nanosecond apart from T0. Their optional values
// are set and unset in patterns that cross any batch size, their lists are
// of every length up to 9, and their doubles include those JSON cannot
// hold (NaN, ±Inf, -0) and the extremes. Backends' tests of their own
// batching write these too.
func MetricPointsOfEveryType(n int) []model.MetricPoint {
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64}
	res := model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("svc")}}}
	out := make([]model.MetricPoint, n)
	for i := range out {
		m := model.MetricPoint{Project: "p", Name: "m", Type: model.MetricType(1 + i%5), TimeUnixNano: T0.UnixNano() + int64(i),
			StartUnixNano: T0.UnixNano(), Resource: res, Attributes: model.Attributes{{Key: "i", Value: model.IntValue(int64(i))}}}
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

// SameMetricPoints fails the test unless seq yields want, point for point.
// Points compare by their %+v form, which prints NaN as NaN and tells -0
// from 0, where reflect.DeepEqual finds NaN unequal to itself.
func SameMetricPoints(t testing.TB, seq iter.Seq2[model.MetricPoint, error], want []model.MetricPoint) {
	t.Helper()
	i := 0
	for got, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("read more than the %d points written", len(want))
		}
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want[i]); g != w {
			t.Fatalf("point %d differs:\n got %s\nwant %s", i, g, w)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("read %d points, wrote %d", i, len(want))
	}
}

// testMetricValues: every value of every metric type reads back bit for
// bit, the doubles the data files cannot write included.
func testMetricValues(t *testing.T, b Backend) {
	s := openStore(t, b)
	points := MetricPointsOfEveryType(600)
	mustWrite(t, s, &model.Batch{Metrics: points})
	SameMetricPoints(t, s.MetricPoints(ctx(t), store.MetricQuery{Project: "p", Name: "m", Limit: len(points) + 1}), points)
}
