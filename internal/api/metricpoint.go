package api

import (
	"encoding/json"
	"strconv"

	"lookout/internal/model"
)

// pointJSON is one point of GET /api/metrics/{name}/points. Times are
// nanosecond strings, as in /api/logs; values are JSON numbers (integers
// exact, doubles JSON cannot hold as "NaN", "+Inf", "-Inf"). Which value
// fields appear depends on the type:
//
//	gauge, sum             value (null when the sender set none)
//	histogram              count, sum, min, max (each when sent), bounds, bucketCounts
//	exponential_histogram  count, sum, min, max, scale, zeroCount, zeroThreshold, positive, negative
//	summary                count, sum, quantiles
type pointJSON struct {
	TimeUnixNano      string          `json:"timeUnixNano"`
	StartTimeUnixNano string          `json:"startTimeUnixNano"`
	Type              string          `json:"type"`
	Temporality       string          `json:"temporality,omitempty"`
	Monotonic         *bool           `json:"monotonic,omitempty"`
	Service           string          `json:"service"`
	Attributes        json.RawMessage `json:"attributes"`
	Resource          json.RawMessage `json:"resource"`
	Flags             uint32          `json:"flags,omitempty"`

	Value         json.RawMessage   `json:"value,omitempty"`
	Count         *uint64           `json:"count,omitempty"`
	Sum           json.RawMessage   `json:"sum,omitempty"`
	Min           json.RawMessage   `json:"min,omitempty"`
	Max           json.RawMessage   `json:"max,omitempty"`
	Bounds        []json.RawMessage `json:"bounds,omitempty"`
	BucketCounts  []uint64          `json:"bucketCounts,omitempty"`
	Scale         *int32            `json:"scale,omitempty"`
	ZeroCount     *uint64           `json:"zeroCount,omitempty"`
	ZeroThreshold json.RawMessage   `json:"zeroThreshold,omitempty"`
	Positive      *bucketsJSON      `json:"positive,omitempty"`
	Negative      *bucketsJSON      `json:"negative,omitempty"`
	Quantiles     []quantileJSON    `json:"quantiles,omitempty"`

	Exemplars []exemplarJSON `json:"exemplars,omitempty"`
}

type bucketsJSON struct {
	Offset       int32    `json:"offset"`
	BucketCounts []uint64 `json:"bucketCounts"`
}

type quantileJSON struct {
	Quantile json.RawMessage `json:"quantile"`
	Value    json.RawMessage `json:"value"`
}

// exemplarJSON is one exemplar; ids are left out when zero.
type exemplarJSON struct {
	TimeUnixNano string          `json:"timeUnixNano"`
	Value        json.RawMessage `json:"value"`
	TraceID      string          `json:"traceID,omitempty"`
	SpanID       string          `json:"spanID,omitempty"`
	Attributes   json.RawMessage `json:"attributes,omitempty"`
}

func numberJSON(n model.Number) json.RawMessage {
	switch n.Kind {
	case model.NumberDouble:
		return valueJSON(model.DoubleValue(n.Double))
	case model.NumberInt:
		return valueJSON(model.IntValue(n.Int))
	}
	return json.RawMessage("null")
}

func doubleJSON(f float64) json.RawMessage { return valueJSON(model.DoubleValue(f)) }

func optionalJSON(f float64, ok bool) json.RawMessage {
	if !ok {
		return nil
	}
	return doubleJSON(f)
}

func toPointJSON(p *model.MetricPoint) pointJSON {
	j := pointJSON{
		TimeUnixNano:      strconv.FormatInt(p.TimeUnixNano, 10),
		StartTimeUnixNano: strconv.FormatInt(p.StartUnixNano, 10),
		Service:           p.Service(),
		Attributes:        attrsJSON(p.Attributes),
		Resource:          attrsJSON(p.Resource.Attributes),
		Flags:             p.Flags,
	}
	j.Type, j.Temporality, j.Monotonic = describe(p.Type, p.Temporality, p.Monotonic)
	switch p.Type {
	case model.MetricHistogram, model.MetricExponentialHistogram, model.MetricSummary:
		j.Count = &p.Count
		j.Sum, j.Min, j.Max = optionalJSON(p.Sum, p.HasSum), optionalJSON(p.Min, p.HasMin), optionalJSON(p.Max, p.HasMax)
	default:
		j.Value = numberJSON(p.Number)
	}
	switch p.Type {
	case model.MetricHistogram:
		j.Bounds = make([]json.RawMessage, len(p.Bounds))
		for i, b := range p.Bounds {
			j.Bounds[i] = doubleJSON(b)
		}
		j.BucketCounts = p.BucketCounts
	case model.MetricExponentialHistogram:
		j.Scale, j.ZeroCount, j.ZeroThreshold = &p.Scale, &p.ZeroCount, doubleJSON(p.ZeroThreshold)
		j.Positive = &bucketsJSON{Offset: p.Positive.Offset, BucketCounts: orEmpty(p.Positive.Counts)}
		j.Negative = &bucketsJSON{Offset: p.Negative.Offset, BucketCounts: orEmpty(p.Negative.Counts)}
	case model.MetricSummary:
		for _, q := range p.Quantiles {
			j.Quantiles = append(j.Quantiles, quantileJSON{Quantile: doubleJSON(q.Quantile), Value: doubleJSON(q.Value)})
		}
	}
	for _, e := range p.Exemplars {
		x := exemplarJSON{TimeUnixNano: strconv.FormatInt(e.TimeUnixNano, 10), Value: numberJSON(e.Value)}
		if !e.TraceID.IsZero() {
			x.TraceID = e.TraceID.String()
		}
		if !e.SpanID.IsZero() {
			x.SpanID = e.SpanID.String()
		}
		if len(e.FilteredAttributes) > 0 {
			x.Attributes = attrsJSON(e.FilteredAttributes)
		}
		j.Exemplars = append(j.Exemplars, x)
	}
	return j
}

func orEmpty(c []uint64) []uint64 {
	if c == nil {
		return []uint64{}
	}
	return c
}
