package duckdb

import (
	"slices"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// metricCols are the rows of the metrics table (metricsDDL).
type metricCols struct {
	n                                   int
	project, service, name, description strCol
	unit, metadata, exemplars           strCol
	timeNs, startNs, valueInt           intCol[int64]
	typ, temporality, valueKind         intCol[uint8]
	monotonic                           intCol[bool]
	flags                               intCol[uint32]
	value, sum, min, max                nullCol[float64]
	count, zeroCount                    intCol[uint64]
	bounds, quantiles, quantileValues   listCol[float64]
	bucketCounts, posCounts, negCounts  listCol[uint64]
	scale, posOffset, negOffset         intCol[int32]
	zeroThreshold                       intCol[float64]
	attrs                               attrCols
	res                                 resCols
	scope                               scopeCols
}

func (c *metricCols) len() int { return c.n }

func (c *metricCols) columns() []chunkColumn {
	return []chunkColumn{
		c.project, c.timeNs, c.startNs, c.service, c.name, c.description, c.unit,
		c.typ, c.temporality, c.monotonic, c.metadata, c.flags,
		c.valueKind, &c.value, c.valueInt, c.count, &c.sum, &c.min, &c.max, &c.bounds, &c.bucketCounts,
		c.scale, c.zeroCount, c.zeroThreshold, c.posOffset, &c.posCounts, c.negOffset, &c.negCounts,
		&c.quantiles, &c.quantileValues, c.exemplars,
		&c.attrs.keys, &c.attrs.values, &c.attrs.types, c.attrs.nested,
		&c.res.attrs.keys, &c.res.attrs.values, &c.res.attrs.types, c.res.attrs.nested, c.res.dropped, c.res.schemaURL,
		c.scope.name, c.scope.version, c.scope.json,
	}
}

// reserve makes room for n points of attrs attributes in all.
func (c *metricCols) reserve(n, attrs int) {
	for _, s := range []*strCol{&c.project, &c.service, &c.name, &c.description, &c.unit, &c.metadata, &c.exemplars,
		&c.res.schemaURL, &c.scope.name, &c.scope.version, &c.scope.json} {
		*s = slices.Grow(*s, n)
	}
	c.timeNs, c.startNs, c.valueInt = slices.Grow(c.timeNs, n), slices.Grow(c.startNs, n), slices.Grow(c.valueInt, n)
	c.typ, c.temporality, c.valueKind = slices.Grow(c.typ, n), slices.Grow(c.temporality, n), slices.Grow(c.valueKind, n)
	c.attrs.reserve(n, attrs)
	c.res.attrs.reserve(n, 0)
}

func (c *metricCols) add(m *model.MetricPoint) error {
	metadata, err := rowcodec.EncodeMetadata(m.Metadata)
	if err != nil {
		return err
	}
	exemplars, err := rowcodec.EncodeExemplars(m.Exemplars)
	if err != nil {
		return err
	}
	attrs, err := c.attrs.encode(m.Attributes)
	if err != nil {
		return err
	}
	service, err := c.res.add(m.Resource)
	if err != nil {
		return err
	}
	if err := c.scope.add(m.Scope); err != nil {
		return err
	}
	c.attrs.push(attrs)
	c.project = append(c.project, text(m.Project))
	c.timeNs = append(c.timeNs, m.TimeUnixNano)
	c.startNs = append(c.startNs, m.StartUnixNano)
	c.service = append(c.service, service)
	c.name = append(c.name, text(m.Name))
	c.description = append(c.description, text(m.Description))
	c.unit = append(c.unit, text(m.Unit))
	c.typ = append(c.typ, uint8(m.Type))
	c.temporality = append(c.temporality, uint8(m.Temporality))
	c.monotonic = append(c.monotonic, m.Monotonic)
	c.metadata = append(c.metadata, metadata)
	c.flags = append(c.flags, m.Flags)
	c.valueKind = append(c.valueKind, uint8(m.Number.Kind))
	c.value.add(m.Number.Float(), m.Number.Kind != model.NumberNone)
	c.valueInt = append(c.valueInt, m.Number.Int)
	c.count = append(c.count, m.Count)
	c.sum.add(m.Sum, m.HasSum)
	c.min.add(m.Min, m.HasMin)
	c.max.add(m.Max, m.HasMax)
	c.bounds.push(m.Bounds)
	c.bucketCounts.push(m.BucketCounts)
	c.scale = append(c.scale, m.Scale)
	c.zeroCount = append(c.zeroCount, m.ZeroCount)
	c.zeroThreshold = append(c.zeroThreshold, m.ZeroThreshold)
	c.posOffset = append(c.posOffset, m.Positive.Offset)
	c.posCounts.push(m.Positive.Counts)
	c.negOffset = append(c.negOffset, m.Negative.Offset)
	c.negCounts.push(m.Negative.Counts)
	qr := listRange{uint32(len(c.quantiles.flat)), uint32(len(m.Quantiles))}
	for _, q := range m.Quantiles {
		c.quantiles.flat, c.quantileValues.flat = append(c.quantiles.flat, q.Quantile), append(c.quantileValues.flat, q.Value)
	}
	c.quantiles.rows, c.quantileValues.rows = append(c.quantiles.rows, qr), append(c.quantileValues.rows, qr)
	c.exemplars = append(c.exemplars, exemplars)
	c.n++
	return nil
}
