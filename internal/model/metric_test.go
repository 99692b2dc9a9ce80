package model

import "testing"

func TestMetricTypeNames(t *testing.T) {
	tests := []struct {
		typ  MetricType
		name string
	}{
		{MetricGauge, "gauge"},
		{MetricSum, "sum"},
		{MetricHistogram, "histogram"},
		{MetricExponentialHistogram, "exponential_histogram"},
		{MetricSummary, "summary"},
	}
	for _, tt := range tests {
		if got := tt.typ.String(); got != tt.name {
			t.Errorf("%d.String() = %q, want %q", tt.typ, got, tt.name)
		}
		got, err := ParseMetricType(tt.name)
		if err != nil || got != tt.typ {
			t.Errorf("ParseMetricType(%q) = %d, %v; want %d", tt.name, got, err, tt.typ)
		}
	}
	for _, bad := range []string{"", "Gauge", "counter", "metric_type_0"} {
		if _, err := ParseMetricType(bad); err == nil {
			t.Errorf("ParseMetricType(%q) accepted", bad)
		}
	}
	if got := MetricType(0).String(); got != "metric_type_0" {
		t.Errorf("zero type: %q", got)
	}
}

func TestNumberFloat(t *testing.T) {
	tests := []struct {
		n    Number
		want float64
	}{
		{Number{}, 0},
		{Number{Kind: NumberDouble, Double: 2.5}, 2.5},
		{Number{Kind: NumberInt, Int: -7, Double: 99}, -7},
	}
	for _, tt := range tests {
		if got := tt.n.Float(); got != tt.want {
			t.Errorf("%+v.Float() = %v, want %v", tt.n, got, tt.want)
		}
	}
}

func TestTemporalityString(t *testing.T) {
	for tm, want := range map[Temporality]string{TemporalityUnspecified: "unspecified", TemporalityDelta: "delta",
		TemporalityCumulative: "cumulative", 7: "temporality_7"} {
		if got := tm.String(); got != want {
			t.Errorf("%d: %q, want %q", tm, got, want)
		}
	}
}
