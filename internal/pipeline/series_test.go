package pipeline

import (
	"context"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/tally"
)

func point(project, name, user string, at time.Time) model.MetricPoint {
	return model.MetricPoint{Project: project, Name: name, Type: model.MetricSum, TimeUnixNano: at.UnixNano(),
		Attributes: model.Attributes{{Key: "user", Value: model.StringValue(user)}},
		Resource:   model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue("api")}}}}
}

// TestSubmitSeriesLimit: with room for two series per metric, a third
// series of a metric is refused, named and tallied, while the known series,
// other metrics and other projects go on.
func TestSubmitSeriesLimit(t *testing.T) {
	w := &gateWriter{}
	cfg := DefaultConfig()
	cfg.MaxSeriesPerMetric = 2
	cfg.Tally = tally.New(func() time.Time { return now })
	p, stop := start(t, cfg, w)
	defer stop()
	// Point 1 is older than the retention: the window drops it first, and
	// the refused series is still named by its place in the request.
	b := &model.Batch{Metrics: []model.MetricPoint{
		point("p1", "m", "a", now), point("p1", "m", "x", now.Add(-30*24*time.Hour)), point("p1", "m", "b", now), point("p1", "m", "c", now),
		point("p1", "m", "a", now), point("p1", "n", "c", now), point("p2", "m", "c", now),
	}}
	res, err := p.Submit(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) != 2 || res.Rejected[0].Reason != "too_old" || res.Rejected[1].Reason != "series_limit" || res.Rejected[1].Index != 3 ||
		!strings.Contains(res.Rejected[1].Message, `data point 3 of metric "m": the metric has reached its limit of 2 series`) {
		t.Fatalf("rejected = %+v, want point 1 too old and point 3 for series_limit", res.Rejected)
	}
	if len(w.commits) != 1 || len(w.commits[0].Metrics) != 5 {
		t.Fatalf("commits = %+v, want one of 5 points", w.commits)
	}
	var counted int64
	for _, e := range cfg.Tally.Snapshot() {
		if e.Kind == "metrics" && e.Project == "p1" {
			counted += e.Rejected["series_limit"].Count
		}
	}
	if counted != 1 {
		t.Errorf("tally counts %d series_limit rejections, want 1", counted)
	}
}

// TestSeriesLimitIdle: a series unseen for longer than seriesIdle frees its
// place, looked for at most once a minute.
func TestSeriesLimitIdle(t *testing.T) {
	l := newSeriesLimit(1)
	steps := []struct {
		after time.Duration
		user  string
		admit bool
	}{
		{0, "a", true},
		{time.Minute, "b", false},                     // full
		{time.Minute, "a", true},                      // known
		{61 * time.Minute, "b", false},                // a idle for exactly an hour: not yet
		{61*time.Minute + 30*time.Second, "b", false}, // a idle, but the last look was 30s ago
		{62 * time.Minute, "b", true},                 // looked again: a's place is free
		{62 * time.Minute, "a", false},                // and taken
	}
	for i, s := range steps {
		b := &model.Batch{Metrics: []model.MetricPoint{point("p", "m", s.user, now)}}
		_, rej := l.filter(now.Add(s.after), b, nil)
		if got := len(rej) == 0; got != s.admit {
			t.Errorf("step %d (%s at +%s): admitted %v, want %v", i, s.user, s.after, got, s.admit)
		}
	}
}

func TestKeptIndex(t *testing.T) {
	rej := []Rejection{{Kind: "span", Index: 0}, {Kind: "metric", Index: 1}, {Kind: "metric", Index: 2}, {Kind: "metric", Index: 5}}
	index := keptIndex(rej)
	// Submitted 0..7 without 1, 2 and 5: kept 0 1 2 3 4 are submitted 0 3 4 6 7.
	for kept, want := range []int{0, 3, 4, 6, 7} {
		if got := index(kept); got != want {
			t.Errorf("kept %d: %d, want %d", kept, got, want)
		}
	}
	if keptIndex([]Rejection{{Kind: "log", Index: 3}}) != nil {
		t.Error("no metric dropped: want nil")
	}
}
