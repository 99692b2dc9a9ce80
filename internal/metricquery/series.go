package metricquery

import (
	"math"

	"lookout/internal/model"
)

// seriesState is what one series (a metric's points with the same
// resource, scope and attributes) remembers of its previous point, to turn
// cumulative points into increases.
type seriesState struct {
	seen      bool
	startNano int64
	value     float64
	count     float64
	sum       float64
	buckets   map[interval]float64
}

// delta is what one point adds: a number's increase, or a histogram's new
// observations (count, sum and per bucket).
type delta struct {
	inc     float64
	count   float64
	buckets map[interval]float64
}

// advance returns the point's delta and makes it the series' previous
// point. A delta point is its own delta. A cumulative point adds what grew
// since the previous point; after a reset (a new start time, a counter or
// bucket that went down) its whole value is new. The first point of a
// series adds its whole value only when the series started within the
// query's range (its start time at or after rangeStart); otherwise it is
// the baseline and adds nothing.
func (s *seriesState) advance(p *model.MetricPoint, rangeStart int64) delta {
	cumulative := p.Temporality != model.TemporalityDelta
	var d delta
	switch p.Type {
	case model.MetricSum:
		v := p.Number.Float()
		switch {
		case !cumulative:
			d.inc = v
		case !s.seen:
			if p.StartUnixNano > 0 && p.StartUnixNano >= rangeStart {
				d.inc = v
			}
		case p.StartUnixNano != s.startNano || (p.Monotonic && v < s.value):
			d.inc = v
		default:
			d.inc = v - s.value
		}
		s.value = v
	case model.MetricHistogram, model.MetricExponentialHistogram:
		cur := histBuckets(p)
		count, sum := float64(p.Count), p.Sum
		d = delta{inc: sum, count: count, buckets: cur}
		if cumulative {
			switch {
			case !s.seen:
				if p.StartUnixNano == 0 || p.StartUnixNano < rangeStart {
					d = delta{}
				}
			case p.StartUnixNano == s.startNano && count >= s.count:
				if diff, ok := subtract(cur, s.buckets); ok {
					d = delta{inc: sum - s.sum, count: count - s.count, buckets: diff}
				}
			}
		}
		s.count, s.sum, s.buckets = count, sum, cur
	}
	s.seen, s.startNano = true, p.StartUnixNano
	return d
}

// interval is one histogram bucket's value range, (lo, hi].
type interval struct{ lo, hi float64 }

// histBuckets returns the bucket counts of a histogram or an exponential
// histogram by value range.
func histBuckets(p *model.MetricPoint) map[interval]float64 {
	out := map[interval]float64{}
	if p.Type == model.MetricHistogram {
		for i, n := range p.BucketCounts {
			if n == 0 {
				continue
			}
			iv := interval{math.Inf(-1), math.Inf(1)}
			if i > 0 {
				iv.lo = p.Bounds[i-1]
			}
			if i < len(p.Bounds) {
				iv.hi = p.Bounds[i]
			}
			out[iv] += float64(n)
		}
		return out
	}
	// Exponential: bucket index i covers (base^i, base^(i+1)], base =
	// 2^(2^-scale); negative buckets mirror them.
	base := math.Exp2(math.Exp2(-float64(p.Scale)))
	for k, n := range p.Positive.Counts {
		if n > 0 {
			i := float64(p.Positive.Offset) + float64(k)
			out[interval{math.Pow(base, i), math.Pow(base, i+1)}] += float64(n)
		}
	}
	for k, n := range p.Negative.Counts {
		if n > 0 {
			i := float64(p.Negative.Offset) + float64(k)
			out[interval{-math.Pow(base, i+1), -math.Pow(base, i)}] += float64(n)
		}
	}
	if p.ZeroCount > 0 {
		out[interval{-p.ZeroThreshold, p.ZeroThreshold}] += float64(p.ZeroCount)
	}
	return out
}

// subtract returns cur - prev per bucket; ok is false when a bucket went
// down (the series was reset, or its buckets changed).
func subtract(cur, prev map[interval]float64) (map[interval]float64, bool) {
	out := make(map[interval]float64, len(cur))
	for iv, n := range cur {
		if d := n - prev[iv]; d > 0 {
			out[iv] = d
		} else if d < 0 {
			return nil, false
		}
	}
	for iv := range prev {
		if _, ok := cur[iv]; !ok && prev[iv] > 0 {
			return nil, false
		}
	}
	return out, true
}
