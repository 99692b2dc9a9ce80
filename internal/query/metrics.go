package query

import (
	"fmt"
	"strings"

	"lookout/internal/model"
)

// The operators only the metrics source answers.
const (
	// OpLast is the value of the newest point (gauges, sums).
	OpLast Op = "LAST"
	// OpRateSum is a counter's increase per second.
	OpRateSum Op = "RATE_SUM"
)

// MetricFields lists the metric point fields every store must answer. A
// metric's name is a column of its own (read by the calculations), and
// every other column an attribute of the point, else of its resource.
var MetricFields = []Column{
	{Name: ColService, Type: TypeString, Source: "point", Description: "service name (unknown_service when unset)"},
	{Name: ColLibraryName, Type: TypeString, Source: "point", Description: "instrumentation scope name (the meter)"},
	{Name: ColLibraryVer, Type: TypeString, Source: "point", Description: "instrumentation scope version"},
}

// metricOps says which calculations each metric type answers. A sum is a
// counter (monotonic) or an up-down counter; both answer the gauge
// operators on their value as well as their increase.
var metricOps = map[model.MetricType][]Op{
	model.MetricGauge:                {OpAvg, OpMin, OpMax, OpLast},
	model.MetricSum:                  {OpSum, OpRateSum, OpAvg, OpMin, OpMax, OpLast},
	model.MetricHistogram:            {OpSum, OpRateSum, OpAvg},
	model.MetricExponentialHistogram: {OpSum, OpRateSum, OpAvg},
	model.MetricSummary:              {},
}

// percentileOps are the percentiles offered for histograms; any other
// (P10, P999) reads them too.
var percentileOps = []string{"P50", "P75", "P90", "P95", "P99"}

// MetricOps lists the calculations that read a metric of type t.
func MetricOps(t model.MetricType) []string {
	var out []string
	for _, o := range metricOps[t] {
		out = append(out, string(o))
	}
	if t == model.MetricHistogram || t == model.MetricExponentialHistogram {
		out = append(out, percentileOps...)
	}
	return out
}

// MetricOpFits reports whether op reads a metric of type t; the error
// names the metric and what its type does answer.
func MetricOpFits(op Op, metric string, t model.MetricType) error {
	if op == OpCount || op == OpCountDistinct {
		return fmt.Errorf("%s takes an attribute, not the metric %q", op, metric)
	}
	ops := metricOps[t]
	hist := t == model.MetricHistogram || t == model.MetricExponentialHistogram
	if _, ok := op.Percentile(); ok && hist {
		return nil
	}
	for _, o := range ops {
		if o == op {
			return nil
		}
	}
	names := make([]string, 0, len(ops)+1)
	for _, o := range ops {
		names = append(names, string(o))
	}
	if hist {
		names = append(names, "P50…P999")
	}
	if len(names) == 0 {
		return fmt.Errorf("%s does not read the %s metric %q: its quantiles were computed by the sender and do not add up", op, t, metric)
	}
	return fmt.Errorf("%s does not read the %s metric %q: it answers %s", op, t, metric, strings.Join(names, ", "))
}
