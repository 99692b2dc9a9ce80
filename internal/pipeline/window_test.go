package pipeline

import (
	"context"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/tally"
)

func logAt(service string, at time.Time) model.LogEvent {
	return model.LogEvent{Project: model.DefaultProject, TimeUnixNano: at.UnixNano(),
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}}}
}

func pointAt(service, name string, at time.Time) model.MetricPoint {
	return model.MetricPoint{Project: model.DefaultProject, Name: name, Type: model.MetricGauge, TimeUnixNano: at.UnixNano(),
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}}}
}

// TestSubmitWindowEveryKind submits spans, logs and metric points, some of
// each outside the window, and checks what is refused, what is committed
// and how both are tallied.
func TestSubmitWindowEveryKind(t *testing.T) {
	old, future := now.Add(-30*24*time.Hour), now.Add(48*time.Hour)
	w := &gateWriter{}
	tl := tally.New(func() time.Time { return now })
	cfg := DefaultConfig()
	cfg.Tally = tl
	p, stop := start(t, cfg, w)
	defer stop()
	b := &model.Batch{
		Spans:   []model.Span{span("api", now), span("api", old)},
		Logs:    []model.LogEvent{logAt("api", future), logAt("api", now)},
		Metrics: []model.MetricPoint{pointAt("api", "a", now), pointAt("web", "b", old), pointAt("api", "c", now), pointAt("web", "d", time.Unix(0, 0))},
	}
	res, err := p.Submit(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind, reason, service, msg string
		index                      int
	}{
		{"span", "too_old", "api", "span ", 1},
		{"log", "too_new", "api", "log record 0: ", 0},
		{"metric", "too_old", "web", `data point 1 of metric "b": timestamp`, 1},
		{"metric", "bad_time", "web", `data point 3 of metric "d": timestamp is zero`, 3},
	}
	if len(res.Rejected) != len(want) {
		t.Fatalf("rejected %+v, want %d", res.Rejected, len(want))
	}
	for i, w := range want {
		r := res.Rejected[i]
		if r.Kind != w.kind || r.Reason != w.reason || r.Service != w.service || r.Index != w.index ||
			!strings.HasPrefix(r.Message, w.msg) || r.Project != model.DefaultProject {
			t.Errorf("rejection %d: %+v, want %+v", i, r, w)
		}
	}
	if len(w.commits) != 1 {
		t.Fatalf("%d commits, want 1", len(w.commits))
	}
	c := w.commits[0]
	if len(c.Spans) != 1 || len(c.Logs) != 1 || len(c.Metrics) != 2 || c.Metrics[0].Name != "a" || c.Metrics[1].Name != "c" {
		t.Errorf("committed %d spans, %d logs, metrics %+v", len(c.Spans), len(c.Logs), c.Metrics)
	}
	if len(b.Metrics) != 4 || b.Metrics[1].Name != "b" {
		t.Errorf("the submitted batch changed: %+v", b.Metrics)
	}
	got := map[string]int64{}
	for _, e := range tl.Snapshot() {
		got[e.Kind+"/"+e.Service+"/accepted"] += e.Accepted
		for reason, r := range e.Rejected {
			got[e.Kind+"/"+e.Service+"/"+reason] += r.Count
		}
	}
	for k, n := range map[string]int64{"metrics/api/accepted": 2, "metrics/web/too_old": 1, "metrics/web/bad_time": 1,
		"spans/api/accepted": 1, "spans/api/too_old": 1, "logs/api/accepted": 1, "logs/api/too_new": 1} {
		if got[k] != n {
			t.Errorf("tally %s = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

// TestGroupCommitMergesMetrics checks that requests sharing a commit have
// their metric points merged, without a Preparer.
func TestGroupCommitMergesMetrics(t *testing.T) {
	w := &gateWriter{gate: make(chan struct{}), entered: make(chan struct{}, 10)}
	p, stop := start(t, DefaultConfig(), w)
	defer stop()
	submit := func(b *model.Batch) chan error {
		ch := make(chan error, 1)
		go func() {
			_, err := p.Submit(context.Background(), b)
			ch <- err
		}()
		return ch
	}
	first := submit(&model.Batch{Spans: []model.Span{span("api", now)}})
	<-w.entered
	a := submit(&model.Batch{Metrics: []model.MetricPoint{pointAt("api", "a", now)}})
	b := submit(&model.Batch{Metrics: []model.MetricPoint{pointAt("api", "b", now), pointAt("api", "c", now)}, Logs: []model.LogEvent{logAt("api", now)}})
	for p.queuedItems() < 4 {
		time.Sleep(time.Millisecond)
	}
	close(w.gate)
	for _, ch := range []chan error{first, a, b} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if len(w.commits) != 2 || len(w.commits[1].Metrics) != 3 || len(w.commits[1].Logs) != 1 {
		t.Fatalf("commits %d; second: %+v", len(w.commits), w.commits[len(w.commits)-1])
	}
}
