package metricquery

import (
	"context"
	"errors"
	"iter"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) int64 { return t0.Add(d).UnixNano() }

// memScan serves points from memory as a store would: by name and time.
func memScan(points []model.MetricPoint) Scan {
	return func(_ context.Context, names []string, start, end time.Time) iter.Seq2[model.MetricPoint, error] {
		return func(yield func(model.MetricPoint, error) bool) {
			for _, p := range points {
				if (len(names) == 0 || slices.Contains(names, p.Name)) &&
					p.TimeUnixNano >= start.UnixNano() && p.TimeUnixNano < end.UnixNano() && !yield(p, nil) {
					return
				}
			}
		}
	}
}

func res(service string) model.Resource {
	return model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}}
}

func counter(service string, start, tm time.Duration, v int64) model.MetricPoint {
	return model.MetricPoint{Name: "requests", Type: model.MetricSum, Temporality: model.TemporalityCumulative, Monotonic: true,
		StartUnixNano: at(start), TimeUnixNano: at(tm), Number: model.Number{Kind: model.NumberInt, Int: v}, Resource: res(service)}
}

func deltaCounter(service string, tm time.Duration, v float64) model.MetricPoint {
	return model.MetricPoint{Name: "bytes", Type: model.MetricSum, Temporality: model.TemporalityDelta, Monotonic: true,
		StartUnixNano: at(tm - time.Minute), TimeUnixNano: at(tm), Number: model.Number{Kind: model.NumberDouble, Double: v}, Resource: res(service)}
}

func gauge(service, host string, tm time.Duration, v float64) model.MetricPoint {
	return model.MetricPoint{Name: "cpu", Type: model.MetricGauge, TimeUnixNano: at(tm),
		Number:     model.Number{Kind: model.NumberDouble, Double: v},
		Attributes: model.Attributes{{Key: "host", Value: model.StringValue(host)}}, Resource: res(service)}
}

// hist is a cumulative histogram over bounds 10, 100, 1000.
func hist(tm time.Duration, counts ...uint64) model.MetricPoint {
	var n uint64
	for _, c := range counts {
		n += c
	}
	return model.MetricPoint{Name: "latency", Type: model.MetricHistogram, Temporality: model.TemporalityCumulative,
		StartUnixNano: at(-time.Hour), TimeUnixNano: at(tm), Count: n, Sum: float64(n) * 50, HasSum: true,
		Bounds: []float64{10, 100, 1000}, BucketCounts: counts, Resource: res("api")}
}

func TestRun(t *testing.T) {
	points := []model.MetricPoint{
		// api: a cumulative counter started before the range (baseline at
		// -1m), reset at +6m (new start time).
		counter("api", -time.Hour, -time.Minute, 100),
		counter("api", -time.Hour, 2*time.Minute, 130),
		counter("api", -time.Hour, 4*time.Minute, 150),
		counter("api", 5*time.Minute, 6*time.Minute, 7),
		// web: started within the range: its first value counts whole.
		counter("web", time.Minute, 3*time.Minute, 4),
		counter("web", time.Minute, 8*time.Minute, 3), // went down: a reset
		deltaCounter("api", 2*time.Minute, 1.5),
		deltaCounter("api", 7*time.Minute, 2.5),
		gauge("api", "a", time.Minute, 0.5),
		gauge("api", "b", 2*time.Minute, 0.25),
		gauge("api", "a", 7*time.Minute, 0.75),
		hist(-time.Minute, 1, 0, 0, 0),
		hist(3*time.Minute, 1, 10, 0, 0),
		hist(8*time.Minute, 1, 10, 10, 0),
	}
	spec := func(calcs []query.Calculation, breakdowns ...string) query.Query {
		return query.Query{Source: query.SourceMetrics, Start: t0, End: t0.Add(10 * time.Minute), Granularity: 5 * time.Minute,
			Calculations: calcs, Breakdowns: breakdowns}
	}
	tests := []struct {
		name    string
		q       query.Query
		results [][]any // group values then calculation values, per result row
		series  [][]any // bucket (minutes), group values, calculation values
	}{
		{
			name:    "cumulative counter: increases per series, resets",
			q:       spec([]query.Calculation{{Op: query.OpSum, Column: "requests"}, {Op: query.OpRateSum, Column: "requests"}}, "service.name"),
			results: [][]any{{"api", 57.0, 57.0 / 600}, {"web", 7.0, 7.0 / 600}},
			series:  [][]any{{0, "api", 50.0, 50.0 / 300}, {0, "web", 4.0, 4.0 / 300}, {5, "api", 7.0, 7.0 / 300}, {5, "web", 3.0, 3.0 / 300}},
		},
		{
			name:    "delta counter: summed",
			q:       spec([]query.Calculation{{Op: query.OpSum, Column: "bytes"}, {Op: query.OpCount}}),
			results: [][]any{{4.0, int64(2)}},
			series:  [][]any{{0, 1.5, int64(1)}, {5, 2.5, int64(1)}},
		},
		{
			name: "gauge operators by attribute",
			q: spec([]query.Calculation{{Op: query.OpAvg, Column: "cpu"}, {Op: query.OpMax, Column: "cpu"},
				{Op: query.OpMin, Column: "cpu"}, {Op: query.OpLast, Column: "cpu"}}, "host"),
			results: [][]any{{"a", 0.625, 0.75, 0.5, 0.75}, {"b", 0.25, 0.25, 0.25, 0.25}},
			series:  [][]any{{0, "a", 0.5, 0.5, 0.5, 0.5}, {0, "b", 0.25, 0.25, 0.25, 0.25}, {5, "a", 0.75, 0.75, 0.75, 0.75}},
		},
		{
			// In the range: 10 new values in (10, 100], then 10 in (100, 1000].
			name:    "histogram percentiles from the buckets",
			q:       spec([]query.Calculation{{Op: "P50", Column: "latency"}, {Op: "P90", Column: "latency"}, {Op: query.OpAvg, Column: "latency"}}),
			results: [][]any{{100.0, 820.0, 50.0}},
			series:  [][]any{{0, 55.0, 91.0, 50.0}, {5, 550.0, 910.0, 50.0}},
		},
		{
			name:    "count distinct an attribute",
			q:       spec([]query.Calculation{{Op: query.OpCountDistinct, Column: "host"}}, "service.name"),
			results: [][]any{{"api", int64(2)}, {"web", int64(0)}},
			series:  [][]any{{0, "api", int64(2)}, {0, "web", int64(0)}, {5, "api", int64(1)}, {5, "web", int64(0)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.q.Normalize(); err != nil {
				t.Fatal(err)
			}
			got, err := Run(context.Background(), tt.q, memScan(points))
			if err != nil {
				t.Fatal(err)
			}
			var results, series [][]any
			for _, r := range got.Results {
				results = append(results, append(slices.Clone(r.Group), r.Values...))
			}
			for _, r := range got.Series {
				row := append([]any{int(r.Time.Sub(t0) / time.Minute)}, r.Group...)
				series = append(series, append(row, r.Values...))
			}
			check := func(what string, got, want [][]any) {
				if !approxRows(got, want) {
					t.Errorf("%s:\n got %v\nwant %v", what, got, want)
				}
			}
			check("results", results, tt.results)
			check("series", series, tt.series)
		})
	}
}

// approxRows compares rows, floats within a relative 1e-9.
func approxRows(got, want [][]any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			g, gok := got[i][j].(float64)
			w, wok := want[i][j].(float64)
			if gok && wok {
				if math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
					return false
				}
				continue
			}
			if !reflect.DeepEqual(got[i][j], want[i][j]) {
				return false
			}
		}
	}
	return true
}

func TestRunRefusesOpsThatDoNotFit(t *testing.T) {
	points := []model.MetricPoint{gauge("api", "a", time.Minute, 1), hist(time.Minute, 1, 2, 3, 4),
		{Name: "rpc", Type: model.MetricSummary, TimeUnixNano: at(time.Minute), Resource: res("api")}}
	tests := []struct {
		calc query.Calculation
		want string // in the error; empty: accepted
	}{
		{query.Calculation{Op: query.OpSum, Column: "cpu"}, `calculations[0]: SUM does not read the gauge metric "cpu": it answers AVG, MIN, MAX, LAST`},
		{query.Calculation{Op: "P99", Column: "cpu"}, `P99 does not read the gauge metric "cpu"`},
		{query.Calculation{Op: query.OpLast, Column: "latency"}, `LAST does not read the histogram metric "latency": it answers SUM, RATE_SUM, AVG, P50…P999`},
		{query.Calculation{Op: query.OpAvg, Column: "rpc"}, `do not add up`},
		{query.Calculation{Op: "P999", Column: "latency"}, ""},
		{query.Calculation{Op: query.OpLast, Column: "cpu"}, ""},
	}
	for _, tt := range tests {
		q := query.Query{Source: query.SourceMetrics, Start: t0, End: t0.Add(time.Hour), Calculations: []query.Calculation{tt.calc}}
		if err := q.Normalize(); err != nil {
			t.Fatal(err)
		}
		_, err := Run(context.Background(), q, memScan(points))
		var fe *query.FieldError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.calc.Name(), err)
		case tt.want != "" && (!errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want a field error with %q", tt.calc.Name(), err, tt.want)
		}
	}
}

func TestValidateMetricOps(t *testing.T) {
	for _, tt := range []struct {
		src  query.Source
		op   query.Op
		want string
	}{
		{query.SourceSpans, query.OpLast, "LAST reads metrics only"},
		{query.SourceLogs, query.OpRateSum, "RATE_SUM reads metrics only"},
		{query.SourceMetrics, query.OpHeatmap, "HEATMAP does not read metrics"},
	} {
		q := query.Query{Source: tt.src, Start: t0, End: t0.Add(time.Hour), Calculations: []query.Calculation{{Op: tt.op, Column: "x"}}}
		if err := q.Normalize(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s on %s: %v, want %q", tt.op, tt.src, err, tt.want)
		}
	}
}
