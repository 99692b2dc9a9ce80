package model

import "fmt"

// MetricType says how a metric point aggregates its measurements; it
// decides which of MetricPoint's value fields hold data.
type MetricType uint8

// The metric types of OTLP. The zero value is not a valid type.
const (
	MetricGauge                MetricType = iota + 1 // Number
	MetricSum                                        // Number, Temporality, Monotonic
	MetricHistogram                                  // Count, Sum, Min, Max, Bounds, BucketCounts
	MetricExponentialHistogram                       // Count, Sum, Min, Max, Scale, ZeroCount, Positive, Negative
	MetricSummary                                    // Count, Sum, Quantiles
)

var metricTypeNames = [...]string{
	MetricGauge:                "gauge",
	MetricSum:                  "sum",
	MetricHistogram:            "histogram",
	MetricExponentialHistogram: "exponential_histogram",
	MetricSummary:              "summary",
}

// String is the type's lower-case name, as the JSON API writes it.
func (t MetricType) String() string {
	if int(t) < len(metricTypeNames) && metricTypeNames[t] != "" {
		return metricTypeNames[t]
	}
	return fmt.Sprintf("metric_type_%d", uint8(t))
}

// ParseMetricType reads a name String writes.
func ParseMetricType(s string) (MetricType, error) {
	for i, n := range metricTypeNames {
		if n != "" && n == s {
			return MetricType(i), nil
		}
	}
	return 0, fmt.Errorf("metric type %q: want gauge, sum, histogram, exponential_histogram or summary", s)
}

// Temporality follows OTLP's AggregationTemporality numbering.
type Temporality uint8

const (
	TemporalityUnspecified Temporality = iota
	TemporalityDelta                   // each point covers (start, time] alone
	TemporalityCumulative              // each point covers everything since start
)

// String is "delta", "cumulative" or "unspecified".
func (t Temporality) String() string {
	switch t {
	case TemporalityDelta:
		return "delta"
	case TemporalityCumulative:
		return "cumulative"
	case TemporalityUnspecified:
		return "unspecified"
	}
	return fmt.Sprintf("temporality_%d", uint8(t))
}

// NumberKind says which field of a number holds it.
type NumberKind uint8

const (
	NumberNone   NumberKind = iota // the sender set no value
	NumberDouble                   // Double holds it
	NumberInt                      // Int holds it
)

// Number is a gauge or sum value, or an exemplar's measurement.
type Number struct {
	Kind   NumberKind
	Double float64
	Int    int64
}

// Float returns the number as a float64 (0 when unset).
func (n Number) Float() float64 {
	if n.Kind == NumberInt {
		return float64(n.Int)
	}
	return n.Double
}

// MetricPoint is one data point of one metric: the metric's description
// repeated on every point, the point's own attributes, times and value.
// Which value fields are set depends on Type (see MetricType's constants);
// the others stay zero.
type MetricPoint struct {
	Project string

	// The metric this point belongs to.
	Name        string
	Description string
	Unit        string
	Type        MetricType
	Temporality Temporality // sums and histograms
	Monotonic   bool        // sums
	Metadata    Attributes  // the metric's metadata (OTLP Metric.metadata)

	Attributes    Attributes
	StartUnixNano int64 // 0 when unknown (gauges usually)
	TimeUnixNano  int64
	Flags         uint32 // OTLP DataPointFlags: 1 = no recorded value

	Number Number // gauges and sums

	// Histograms, exponential histograms and summaries.
	Count          uint64
	Sum            float64
	HasSum         bool // summaries always have one
	Min, Max       float64
	HasMin, HasMax bool

	// Histograms: BucketCounts[i] counts values in (Bounds[i-1], Bounds[i]],
	// the last bucket everything above the last bound. Either no counts or
	// len(Bounds)+1 of them.
	Bounds       []float64
	BucketCounts []uint64

	// Exponential histograms.
	Scale              int32
	ZeroCount          uint64
	ZeroThreshold      float64
	Positive, Negative ExpBuckets

	Quantiles []Quantile // summaries

	Exemplars []Exemplar

	Resource Resource
	Scope    Scope
}

// ExpBuckets are one side of an exponential histogram: Counts[i] counts
// values in bucket Offset+i.
type ExpBuckets struct {
	Offset int32
	Counts []uint64
}

// Quantile is one value of a summary.
type Quantile struct {
	Quantile float64 // 0..1
	Value    float64
}

// Exemplar is one measurement kept as an example, often linked to the span
// that recorded it.
type Exemplar struct {
	TimeUnixNano       int64
	Value              Number
	FilteredAttributes Attributes
	TraceID            TraceID
	SpanID             SpanID
}

// Service returns the point's service name.
func (m *MetricPoint) Service() string { return m.Resource.Service() }
