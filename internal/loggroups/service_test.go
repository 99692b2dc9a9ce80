package loggroups

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/pipeline/pipelinetest"
	"lookout/internal/store"
)

// fakeMeta records the figures and the calls; a group named "missing"
// does not exist.
type fakeMeta struct {
	mu      sync.Mutex
	figures []store.LogStream
	calls   []string
}

func (m *fakeMeta) note(format string, args ...any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, fmt.Sprintf(format, args...))
	if len(args) > 1 && args[1] == "missing" {
		return fmt.Errorf("log group %q: %w", "missing", store.ErrNotFound)
	}
	return nil
}

func (m *fakeMeta) DeleteLogGroup(_ context.Context, project, name string) error {
	return m.note("delete group %s %s", project, name)
}

func (m *fakeMeta) DeleteLogStream(_ context.Context, project, group, name string) error {
	return m.note("delete stream %s %s %s", project, group, name)
}

func (m *fakeMeta) SetRetention(_ context.Context, project, name string, days int) error {
	return m.note("retention %s %s %d", project, name, days)
}

func (m *fakeMeta) RecordLogEvents(_ context.Context, add store.LogStream) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.figures = append(m.figures, add)
	return nil
}

// deleted records the deletions of events and expiries, in the same
// notation as fakeMeta's calls.
type deleted struct{ m *fakeMeta }

func (d deleted) DeleteGroupEvents(_ context.Context, project, group, stream string, before int64) (int64, error) {
	return 0, d.m.note("delete events %s %s %q %d", project, group, stream, before)
}

func (d deleted) ExpireGroup(_ context.Context, project, group string, days int) error {
	return d.m.note("expire %s %s %d", project, group, days)
}

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newService(t *testing.T, sink *pipelinetest.Recorder) (*Service, *fakeMeta) {
	t.Helper()
	m := &fakeMeta{}
	cfg := DefaultConfig()
	cfg.Logger, cfg.Now = slog.New(slog.DiscardHandler), func() time.Time { return testNow }
	s, err := New(cfg, Deps{Sink: sink, Meta: m, Events: deleted{m}, Expirer: deleted{m}})
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

func at(d time.Duration, msg string) Event {
	return Event{TimeMillis: testNow.Add(d).UnixMilli(), Message: msg}
}

// TestAppendDecides checks which events are stored, why the others are
// not, what is counted as refused and what the stream's figures get.
func TestAppendDecides(t *testing.T) {
	sink := &pipelinetest.Recorder{Result: func(b *model.Batch) pipeline.Result {
		// The store's own window refuses the event saying "too far".
		for i, l := range b.Logs {
			if l.Body.Str == "too far" {
				return pipeline.Result{Rejected: []pipeline.Rejection{{Kind: "log", Index: i, Reason: "too_old"}}}
			}
		}
		return pipeline.Result{}
	}}
	s, m := newService(t, sink)
	res, err := s.Append(context.Background(), Append{Project: "p", Group: "g", Stream: "s", RetentionDays: 3, Events: []Event{
		at(-15*24*time.Hour, "two weeks old"),
		at(-4*24*time.Hour, "past the group's retention"),
		at(-time.Hour, `{"level":"ERROR","traceId":"0123456789abcdef0123456789abcdef"}`),
		at(-time.Minute, "too far"),
		at(-time.Second, "kept"),
		at(3*time.Hour, "from the future"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]Reason{0: TooOld, 1: Expired, 3: Expired, 5: TooNew}
	got := map[int]Reason{}
	for _, r := range res.Refused {
		got[r.Index] = r.Reason
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("refused %v, want %v", got, want)
	}
	if reasons := sink.Reasons(); reasons["too_old"] != 1 || reasons["expired"] != 1 || reasons["too_new"] != 1 {
		t.Errorf("counted refusals %v, want one of each before submission", reasons)
	}
	logs := sink.Logs()
	if len(logs) != 3 || logs[0].SeverityText != "ERROR" || logs[0].TraceID.IsZero() || logs[0].LogGroup != "g" {
		t.Fatalf("stored %+v: want 3 events, the first with its level and trace", logs)
	}
	if logs[0].ObservedTimeUnixNano >= logs[1].ObservedTimeUnixNano || res.Stamp != logs[2].ObservedTimeUnixNano {
		t.Errorf("stamps %d %d %d, last %d: want increasing, the last returned", logs[0].ObservedTimeUnixNano,
			logs[1].ObservedTimeUnixNano, logs[2].ObservedTimeUnixNano, res.Stamp)
	}
	if len(m.figures) != 1 || m.figures[0].Events != 2 || m.figures[0].StoredBytes != int64(len(logs[0].Body.Str)+len("kept")) ||
		m.figures[0].FirstEventMillis != testNow.Add(-time.Hour).UnixMilli() {
		t.Errorf("figures %+v: want the two committed events", m.figures)
	}
}

func TestAppendNothingToStore(t *testing.T) {
	sink := &pipelinetest.Recorder{}
	s, _ := newService(t, sink)
	res, err := s.Append(context.Background(), Append{Project: "p", Group: "g", Stream: "s", Events: []Event{at(3*time.Hour, "x")}})
	if err != nil || res.Stamp != testNow.UnixNano() || sink.Calls() != 0 {
		t.Errorf("%+v %v, %d submits: want the time of the call and nothing submitted", res, err, sink.Calls())
	}
}

func TestAppendSpanTooLong(t *testing.T) {
	sink := &pipelinetest.Recorder{}
	s, _ := newService(t, sink)
	_, err := s.Append(context.Background(), Append{Project: "p", Group: "g", Stream: "s",
		Events: []Event{at(-25*time.Hour, "a"), at(-time.Minute, "b")}})
	if !errors.Is(err, ErrSpanTooLong) || sink.Calls() != 0 {
		t.Errorf("%v, %d submits: want ErrSpanTooLong and nothing submitted", err, sink.Calls())
	}
}

func TestAppendSubmitFails(t *testing.T) {
	sink := &pipelinetest.Recorder{}
	sink.FailWith(pipeline.ErrOverloaded)
	s, m := newService(t, sink)
	_, err := s.Append(context.Background(), Append{Project: "p", Group: "g", Stream: "s", Events: []Event{at(0, "a")}})
	if !errors.Is(err, pipeline.ErrOverloaded) || len(m.figures) != 0 {
		t.Errorf("%v, figures %v: want the sink's error and no figures", err, m.figures)
	}
}

// TestDeletionsTakeTheEvents checks what each write does, in order, and
// that a missing group stops it before the events.
func TestDeletionsTakeTheEvents(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		run   func(*Service) error
		calls []string
		err   error
	}{
		{"delete group", func(s *Service) error { return s.DeleteGroup(ctx, "p", "g") },
			[]string{"delete group p g", `delete events p g "" 0`}, nil},
		{"delete stream", func(s *Service) error { return s.DeleteStream(ctx, "p", "g", "s") },
			[]string{"delete stream p g s", `delete events p g "s" 0`}, nil},
		{"set retention", func(s *Service) error { return s.SetRetention(ctx, "p", "g", 7) },
			[]string{"retention p g 7", "expire p g 7"}, nil},
		{"remove retention", func(s *Service) error { return s.SetRetention(ctx, "p", "g", 0) },
			[]string{"retention p g 0"}, nil},
		{"delete a missing group", func(s *Service) error { return s.DeleteGroup(ctx, "p", "missing") },
			[]string{"delete group p missing"}, store.ErrNotFound},
		{"retention of a missing group", func(s *Service) error { return s.SetRetention(ctx, "p", "missing", 7) },
			[]string{"retention p missing 7"}, store.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, m := newService(t, &pipelinetest.Recorder{})
			err := c.run(s)
			if !errors.Is(err, c.err) || fmt.Sprint(m.calls) != fmt.Sprint(c.calls) {
				t.Errorf("%v, calls %q; want %v, %q", err, m.calls, c.err, c.calls)
			}
		})
	}
}
