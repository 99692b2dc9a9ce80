package pipeline

import (
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"lookout/internal/model"
)

// DefaultMaxSeriesPerMetric is the series a metric may have at once unless
// configured otherwise: five times an OpenTelemetry SDK's own default limit
// per instrument (2000), so that a few instances of a service fit.
const DefaultMaxSeriesPerMetric = 10_000

// seriesIdle is how long a series counts against its metric's limit after
// its last point: a series that stopped (a pod gone, a user id no longer
// sent) frees its place after it.
const seriesIdle = time.Hour

// seriesLimit bounds the series of each metric (per project): a point that
// would start a series beyond the limit is refused, and the series already
// known keep being accepted. A series is a metric's points with one
// resource, scope and set of attributes. The count is this process's
// (each node of a cluster keeps its own).
type seriesLimit struct {
	max  int
	seed maphash.Seed

	mu      sync.Mutex
	metrics map[metricKey]*seriesSet
}

type metricKey struct{ project, name string }

// seriesSet holds the series of one metric with their last point's time.
type seriesSet struct {
	last  map[uint64]int64 // series hash → last seen, Unix ns
	swept int64            // when idle series were last removed
}

func newSeriesLimit(max int) *seriesLimit {
	return &seriesLimit{max: max, seed: maphash.MakeSeed(), metrics: map[metricKey]*seriesSet{}}
}

// filter returns the batch without the points that would exceed their
// metric's limit, and those points as rejections ("series_limit"). It
// returns b itself when nothing is refused. index maps a point's position
// in b to its position in the request (nil: the same).
func (l *seriesLimit) filter(now time.Time, b *model.Batch, index func(int) int) (*model.Batch, []Rejection) {
	if l == nil || len(b.Metrics) == 0 {
		return b, nil
	}
	t := now.UnixNano()
	var rej []Rejection
	var kept []model.MetricPoint
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range b.Metrics {
		m := &b.Metrics[i]
		if l.admit(m, t) {
			if kept != nil {
				kept = append(kept, *m)
			}
			continue
		}
		if kept == nil {
			kept = make([]model.MetricPoint, i, len(b.Metrics)-1)
			copy(kept, b.Metrics[:i])
		}
		at := i
		if index != nil {
			at = index(i)
		}
		rej = append(rej, Rejection{Kind: "metric", Project: m.Project, Index: at, Service: m.Service(), Reason: "series_limit",
			Message: fmt.Sprintf("data point %d of metric %q: the metric has reached its limit of %d series (--max-series-per-metric), "+
				"and these attributes would start another", at, m.Name, l.max)})
	}
	if kept == nil {
		return b, nil
	}
	out := *b
	out.Metrics = kept
	return &out, rej
}

// admit records the point's series and reports whether it fits.
func (l *seriesLimit) admit(m *model.MetricPoint, now int64) bool {
	k := metricKey{m.Project, m.Name}
	set := l.metrics[k]
	if set == nil {
		set = &seriesSet{last: map[uint64]int64{}, swept: now}
		l.metrics[k] = set
	}
	h := l.hash(m)
	if _, ok := set.last[h]; ok || len(set.last) < l.max {
		set.last[h] = now
		return true
	}
	// Full: free the places of idle series, at most once a minute.
	if now-set.swept >= int64(time.Minute) {
		set.swept = now
		for s, t := range set.last {
			if now-t > int64(seriesIdle) {
				delete(set.last, s)
			}
		}
		if len(set.last) < l.max {
			set.last[h] = now
			return true
		}
	}
	return false
}

// hash identifies a point's series within its metric.
func (l *seriesLimit) hash(m *model.MetricPoint) uint64 {
	var h maphash.Hash
	h.SetSeed(l.seed)
	attrs := func(a model.Attributes) {
		for _, kv := range a {
			h.WriteString(kv.Key)
			h.WriteByte(0)
			h.WriteString(kv.Value.AsString())
			h.WriteByte(1)
		}
		h.WriteByte(2)
	}
	attrs(m.Resource.Attributes)
	h.WriteString(m.Scope.Name)
	h.WriteByte(0)
	h.WriteString(m.Scope.Version)
	h.WriteByte(0)
	attrs(m.Attributes)
	return h.Sum64()
}

// keptIndex maps the position of a metric point in the batch the window
// kept to its position in the submitted batch, given the window's
// rejections (nil when it kept every point).
func keptIndex(rejected []Rejection) func(int) int {
	var dropped []int // the submitted positions the window dropped, ascending
	for _, r := range rejected {
		if r.Kind == "metric" {
			dropped = append(dropped, r.Index)
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	return func(i int) int {
		for _, d := range dropped {
			if d > i {
				break
			}
			i++
		}
		return i
	}
}
