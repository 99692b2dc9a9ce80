package storetest

import (
	"testing"
	"time"

	"lookout/internal/model"
)

func roundTripCases(Backend) []testCase {
	return []testCase{
		{name: "SpanEveryField", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			sp := fullSpan("p1")
			mustWrite(t, s, &model.Batch{Spans: []model.Span{sp}})
			sameSpans(t, "trace", mustTrace(t, s, "p1", sp.TraceID), []model.Span{sp})
		}},
		{name: "LogEveryField", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			l := fullLog("p1")
			mustWrite(t, s, &model.Batch{Logs: []model.LogEvent{l}})
			sameLogs(t, "logs", collect(t, s.Logs(ctx(t), logQuery("p1"))), []model.LogEvent{l})
		}},
		{name: "BodyKinds", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			var want []model.LogEvent
			for i, kv := range allValues() {
				l := model.LogEvent{Project: "p1", TimeUnixNano: at(time.Duration(i) * time.Second), Body: kv.Value}
				want = append(want, l)
			}
			mustWrite(t, s, &model.Batch{Logs: want})
			sameLogs(t, "logs", collect(t, s.Logs(ctx(t), logQuery("p1"))), want)
		}},
		{name: "EmptyBatch", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			for _, batch := range []*model.Batch{nil, {}} {
				if err := s.Write(ctx(t), batch); err != nil {
					t.Errorf("write of an empty batch: %v", err)
				}
			}
		}},
	}
}

func traceCases(Backend) []testCase {
	return []testCase{
		{name: "OrderedByStart", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			id := tid(1)
			// Written out of order, across two batches; span ids do not
			// follow start order.
			mustWrite(t, s, &model.Batch{Spans: []model.Span{
				span("p1", id, 3, 4, "db", "third", 30*time.Millisecond, time.Millisecond),
				span("p1", id, 4, 0, "web", "first", 0, 100*time.Millisecond),
			}})
			mustWrite(t, s, &model.Batch{Spans: []model.Span{
				span("p1", id, 2, 1, "db", "fourth", 40*time.Millisecond, time.Millisecond),
				span("p1", id, 1, 4, "api", "second", 10*time.Millisecond, 50*time.Millisecond),
				span("p1", tid(2), 1, 0, "web", "other trace", 5*time.Millisecond, time.Millisecond),
			}})
			equalStrings(t, "span names", spanNames(mustTrace(t, s, "p1", id)), []string{"first", "second", "third", "fourth"})
		}},
		{name: "NotFound", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			wantNotFound(t, s, "p1", tid(9)) // empty store
			mustWrite(t, s, &model.Batch{Spans: []model.Span{span("p1", tid(1), 1, 0, "web", "a", 0, time.Millisecond)}})
			wantNotFound(t, s, "p1", tid(9))
			wantNotFound(t, s, "p2", tid(1)) // other project
			// Same high half, other low half: both halves of the id count.
			near := tid(1)
			near[15] ^= 1
			wantNotFound(t, s, "p1", near)
		}},
		{name: "ProjectIsolation", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			id := tid(1)
			mustWrite(t, s, &model.Batch{Spans: []model.Span{
				span("p1", id, 1, 0, "web", "p1 root", 0, time.Millisecond),
				span("p1", id, 2, 1, "web", "p1 child", time.Microsecond, time.Microsecond),
				span("p2", id, 1, 0, "other", "p2 root", 0, time.Millisecond),
			}})
			equalStrings(t, "p1", spanNames(mustTrace(t, s, "p1", id)), []string{"p1 root", "p1 child"})
			got := mustTrace(t, s, "p2", id)
			equalStrings(t, "p2", spanNames(got), []string{"p2 root"})
			if got[0].Project != "p2" {
				t.Errorf("p2 span has project %q", got[0].Project)
			}
		}},
		{name: "MidnightTrace", skip: "", run: func(t *testing.T, b Backend) {
			// One batch, one trace, two UTC days: both halves read back.
			s := openStore(t, b)
			midnight := time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)
			root := span("p1", tid(1), 1, 0, "web", "before midnight", 0, 0)
			root.StartUnixNano, root.EndUnixNano = midnight.Add(-100*time.Millisecond).UnixNano(), midnight.Add(time.Second).UnixNano()
			child := span("p1", tid(1), 2, 1, "db", "after midnight", 0, 0)
			child.StartUnixNano, child.EndUnixNano = midnight.Add(50*time.Millisecond).UnixNano(), midnight.Add(60*time.Millisecond).UnixNano()
			mustWrite(t, s, &model.Batch{Spans: []model.Span{child, root}})
			sameSpans(t, "trace", mustTrace(t, s, "p1", tid(1)), []model.Span{root, child})
		}},
	}
}
