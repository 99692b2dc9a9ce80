package metricfilters

import (
	"context"
	"errors"
	"strconv"
	"time"

	"lookout/internal/store"
)

// Point is a filter's metric over one bucket [Time, Time+Step).
type Point struct {
	Time    time.Time `json:"time"`
	Events  int64     `json:"events"`  // events of the group that arrived
	Matches int64     `json:"matches"` // events the pattern matched
	// Value is the sum of the metric values of the matches; with no
	// match, the transformation's default value when it has one and the
	// bucket saw events (as the service publishes it), else absent.
	Value *float64 `json:"value,omitempty"`
}

// Series is a filter's metric over [start, end) in buckets of step.
type Series struct {
	Filter Filter  `json:"filter"`
	Step   string  `json:"step"`
	Points []Point `json:"points"`
	// Truncated tells that the scan stopped at its bound before end; the
	// last buckets are incomplete.
	Truncated bool `json:"truncated,omitempty"`
}

// ErrRange is a window or step Series refuses.
var ErrRange = errors.New("metric filter series: start must be before end, step positive and at most 10,000 buckets")

// Series computes the metric of a filter over [start, end): the group's
// events by their time, counted only when they arrived after the filter
// was created, as the service only applies a filter to new events.
func (s *Service) Series(ctx context.Context, project, group, name string, start, end time.Time, step time.Duration) (Series, error) {
	f, err := s.Get(ctx, project, group, name)
	if err != nil {
		return Series{}, err
	}
	if !start.Before(end) || step <= 0 || end.Sub(start)/step > 10_000 {
		return Series{}, ErrRange
	}
	p, err := Check(f)
	if err != nil {
		return Series{}, err
	}
	t := f.MetricTransformations[0]
	n := int((end.Sub(start) + step - 1) / step)
	out := Series{Filter: f, Step: step.String(), Points: make([]Point, n)}
	sums := make([]float64, n)
	for i := range out.Points {
		out.Points[i].Time = start.Add(time.Duration(i) * step).UTC()
	}
	created := f.CreationTime * 1e6
	q := store.GroupEventQuery{Project: project, Group: group, StartNano: start.UnixNano(), EndNano: end.UnixNano(), Contains: p.Required()}
	scanned := 0
	for e, err := range s.events.GroupEvents(ctx, q) {
		if err != nil {
			return Series{}, err
		}
		if scanned++; scanned > s.maxScan {
			out.Truncated = true
			break
		}
		if e.ObservedNano < created {
			continue
		}
		pt := &out.Points[(e.TimeNano-q.StartNano)/int64(step)]
		pt.Events++
		v, ok := metricValue(p, t.MetricValue, e.Message)
		if !ok {
			continue
		}
		pt.Matches++
		sums[(e.TimeNano-q.StartNano)/int64(step)] += v
	}
	for i := range out.Points {
		pt := &out.Points[i]
		switch {
		case pt.Matches > 0:
			pt.Value = &sums[i]
		case pt.Events > 0 && t.DefaultValue != nil:
			d := *t.DefaultValue
			pt.Value = &d
		}
	}
	return out, nil
}

// metricValue matches msg and reads the value a match publishes: the
// literal, or the number the reference reads (a match whose reference is
// missing or not a number publishes nothing, as in the service).
func metricValue(p interface {
	Match(string) bool
	Value(msg, ref string) (string, bool)
}, ref, msg string) (float64, bool) {
	if !p.Match(msg) {
		return 0, false
	}
	if v, err := strconv.ParseFloat(ref, 64); err == nil {
		return v, true
	}
	s, ok := p.Value(msg, ref)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
