package clickhouse

import (
	"fmt"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// metricCols are the columns of the metrics table (migrations/0002).
type metricCols struct {
	project, service, name, desc, unit []string
	time, start, valueInt              []int64
	typ, temporality, monotonic, kind  []uint8
	metadataJS, exemplarsJS            []string
	flags                              []uint32
	value, sum, min, max               nullFloats
	count, zeroCount                   []uint64
	bounds, quantiles, quantileValues  [][]float64
	buckets, posCounts, negCounts      [][]uint64
	scale, posOffset, negOffset        []int32
	zeroThreshold                      []float64
	attrs                              listCols
	scopeCols
}

// nullFloats is a Nullable(Float64) column: the values, and whether each
// is set.
type nullFloats struct {
	vals []float64
	set  []bool
}

func (c *nullFloats) add(v float64, set bool) {
	c.vals, c.set = append(c.vals, v), append(c.set, set)
}

// data is the column as the client takes a Nullable column: a pointer per
// row, nil for NULL. The pointers point into vals, which no longer grows
// once the batch is encoded.
func (c *nullFloats) data() []*float64 {
	out := make([]*float64, len(c.vals))
	for i := range c.vals {
		if c.set[i] {
			out[i] = &c.vals[i]
		}
	}
	return out
}

func encodeMetrics(points []model.MetricPoint) (*metricCols, error) {
	c := &metricCols{}
	cache := resourceCache{}
	for i := range points {
		if err := c.add(cache, &points[i]); err != nil {
			return nil, fmt.Errorf("metric point %d of batch: %w", i, err)
		}
	}
	return c, nil
}

func (c *metricCols) add(cache resourceCache, m *model.MetricPoint) error {
	attrs, err := encodeAttrs(m.Attributes)
	if err != nil {
		return err
	}
	metadata, err := rowcodec.EncodeMetadata(m.Metadata)
	if err != nil {
		return err
	}
	exemplars, err := rowcodec.EncodeExemplars(m.Exemplars)
	if err != nil {
		return err
	}
	if err := c.scopeCols.add(cache, m.Resource, m.Scope); err != nil {
		return err
	}
	c.project, c.service = append(c.project, m.Project), append(c.service, m.Service())
	c.time, c.start = append(c.time, m.TimeUnixNano), append(c.start, m.StartUnixNano)
	c.name, c.desc, c.unit = append(c.name, m.Name), append(c.desc, m.Description), append(c.unit, m.Unit)
	c.typ, c.temporality = append(c.typ, uint8(m.Type)), append(c.temporality, uint8(m.Temporality))
	c.monotonic = append(c.monotonic, boolByte(m.Monotonic))
	c.metadataJS, c.flags = append(c.metadataJS, metadata), append(c.flags, m.Flags)
	c.kind = append(c.kind, uint8(m.Number.Kind))
	c.value.add(m.Number.Float(), m.Number.Kind != model.NumberNone)
	c.valueInt = append(c.valueInt, m.Number.Int)
	c.count = append(c.count, m.Count)
	c.sum.add(m.Sum, m.HasSum)
	c.min.add(m.Min, m.HasMin)
	c.max.add(m.Max, m.HasMax)
	c.bounds, c.buckets = append(c.bounds, orEmpty(m.Bounds)), append(c.buckets, orEmpty(m.BucketCounts))
	c.scale, c.zeroCount, c.zeroThreshold = append(c.scale, m.Scale), append(c.zeroCount, m.ZeroCount), append(c.zeroThreshold, m.ZeroThreshold)
	c.posOffset, c.posCounts = append(c.posOffset, m.Positive.Offset), append(c.posCounts, orEmpty(m.Positive.Counts))
	c.negOffset, c.negCounts = append(c.negOffset, m.Negative.Offset), append(c.negCounts, orEmpty(m.Negative.Counts))
	qs, qvs := make([]float64, len(m.Quantiles)), make([]float64, len(m.Quantiles))
	for i, q := range m.Quantiles {
		qs[i], qvs[i] = q.Quantile, q.Value
	}
	c.quantiles, c.quantileValues = append(c.quantiles, qs), append(c.quantileValues, qvs)
	c.exemplarsJS = append(c.exemplarsJS, exemplars)
	c.attrs.add(attrs)
	return nil
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func (c *metricCols) columns() []insertCol {
	cols := []insertCol{
		{"project", c.project}, {"service", c.service}, {"time_ns", c.time}, {"start_ns", c.start},
		{"name", c.name}, {"description", c.desc}, {"unit", c.unit},
		{"type", c.typ}, {"temporality", c.temporality}, {"monotonic", c.monotonic},
		{"metadata_json", c.metadataJS}, {"flags", c.flags},
		{"value_kind", c.kind}, {"value", c.value.data()}, {"value_int", c.valueInt},
		{"count", c.count}, {"sum", c.sum.data()}, {"min", c.min.data()}, {"max", c.max.data()},
		{"bounds", c.bounds}, {"bucket_counts", c.buckets},
		{"exp_scale", c.scale}, {"exp_zero_count", c.zeroCount}, {"exp_zero_threshold", c.zeroThreshold},
		{"exp_pos_offset", c.posOffset}, {"exp_pos_counts", c.posCounts},
		{"exp_neg_offset", c.negOffset}, {"exp_neg_counts", c.negCounts},
		{"quantiles", c.quantiles}, {"quantile_values", c.quantileValues},
		{"exemplars_json", c.exemplarsJS},
	}
	cols = append(cols, c.attrs.columns("attr")...)
	return append(cols, c.scopeCols.columns()...)
}
