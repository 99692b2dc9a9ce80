package metricquery

import (
	"math"
	"sort"

	"lookout/internal/model"
	"lookout/internal/query"
)

// acc accumulates one calculation over the points of one cell.
type acc struct {
	n             int64   // points with a value (gauge operators)
	sum, min, max float64 // of their values
	lastTime      int64
	last          float64

	inc   float64 // increases (SUM, RATE_SUM), or the sum of new observations
	count float64 // new observations of histograms (AVG)

	buckets        map[interval]float64 // new observations by bucket (percentiles)
	lo, hi         float64              // the smallest and largest value a histogram saw
	hasLo, hasHi   bool
	hasInc, hasAvg bool
}

// add takes a point of the calculation's metric and its delta.
func (a *acc) add(p *model.MetricPoint, d *delta) {
	switch p.Type {
	case model.MetricGauge, model.MetricSum:
		if p.Number.Kind == model.NumberNone {
			return
		}
		v := p.Number.Float()
		if a.n == 0 || v < a.min {
			a.min = v
		}
		if a.n == 0 || v > a.max {
			a.max = v
		}
		if a.n == 0 || p.TimeUnixNano >= a.lastTime {
			a.lastTime, a.last = p.TimeUnixNano, v
		}
		a.n++
		a.sum += v
		if p.Type == model.MetricSum {
			a.inc += d.inc
			a.hasInc = true
		}
	case model.MetricHistogram, model.MetricExponentialHistogram:
		a.inc += d.inc
		a.count += d.count
		a.hasInc, a.hasAvg = true, true
		if a.buckets == nil {
			a.buckets = map[interval]float64{}
		}
		for iv, n := range d.buckets {
			a.buckets[iv] += n
		}
		if p.HasMin && (!a.hasLo || p.Min < a.lo) {
			a.lo, a.hasLo = p.Min, true
		}
		if p.HasMax && (!a.hasHi || p.Max > a.hi) {
			a.hi, a.hasHi = p.Max, true
		}
	}
}

// value returns the calculation's result, nil when the cell has no value
// for it.
func (a *acc) value(op query.Op, seconds float64) any {
	if q, ok := op.Percentile(); ok {
		return orNil(a.percentile(q))
	}
	switch op {
	case query.OpSum:
		if a.hasInc {
			return a.inc
		}
	case query.OpRateSum:
		if a.hasInc && seconds > 0 {
			return a.inc / seconds
		}
	case query.OpAvg:
		switch {
		case a.hasAvg && a.count > 0:
			return a.inc / a.count
		case a.n > 0:
			return a.sum / float64(a.n)
		}
	case query.OpMin:
		if a.n > 0 {
			return a.min
		}
	case query.OpMax:
		if a.n > 0 {
			return a.max
		}
	case query.OpLast:
		if a.n > 0 {
			return a.last
		}
	}
	return nil
}

// percentile estimates the q-quantile of the observations from their
// buckets, interpolating linearly within the bucket that holds it. The
// open ends of the outer buckets are closed by the smallest and largest
// value the histograms recorded, else by zero below a positive bound and
// the last bound above; estimates stay within [min, max] when known.
func (a *acc) percentile(q float64) float64 {
	type bucket struct {
		interval
		n float64
	}
	var bs []bucket
	var total float64
	for iv, n := range a.buckets {
		if n > 0 {
			bs = append(bs, bucket{iv, n})
			total += n
		}
	}
	if total == 0 {
		return nan
	}
	sort.Slice(bs, func(i, j int) bool {
		if bs[i].hi != bs[j].hi {
			return bs[i].hi < bs[j].hi
		}
		return bs[i].lo < bs[j].lo
	})
	rank := q * total
	var cum float64
	for i, b := range bs {
		if cum+b.n < rank && i < len(bs)-1 {
			cum += b.n
			continue
		}
		lo, hi := b.lo, b.hi
		if math.IsInf(lo, -1) {
			switch {
			case a.hasLo:
				lo = a.lo
			case hi > 0:
				lo = 0
			default:
				lo = hi
			}
		}
		if math.IsInf(hi, 1) {
			hi = lo
			if a.hasHi {
				hi = a.hi
			}
		}
		if a.hasLo && lo < a.lo {
			lo = a.lo
		}
		if a.hasHi && hi > a.hi {
			hi = a.hi
		}
		if hi < lo {
			hi = lo
		}
		frac := (rank - cum) / b.n
		return lo + (hi-lo)*min(max(frac, 0), 1)
	}
	return nan
}
