package storetest

import (
	"fmt"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// logFixture returns ten events of project p1, event i at T0+i seconds with
// attribute i=i (events 0, 3, 6 and 9 in CloudWatch group /app/g, streams s0
// and s1 alternately), and one event of project p2.
func logFixture() (p1 []model.LogEvent, p2 model.LogEvent) {
	type row struct {
		service string
		sev     int32
		body    model.Value
		trace   model.TraceID
	}
	s := model.StringValue
	rows := []row{
		{"api", 9, s("User login OK"), traceA},
		{"api", 5, s("cache miss for key 1000 items, axb"), model.TraceID{}},
		{"worker", 17, s("payment FAILED for order 7"), traceB},
		{"api", 13, s("disk 100% full"), model.TraceID{}},
		{"worker", 9, model.MapValue(str("msg", "Failed attempts: 0")), model.TraceID{}},
		{"api", 21, s("CRASH dump"), traceA},
		{"worker", 0, model.Value{}, model.TraceID{}},
		{"api", 9, s("ünïcödé ÄÖÜ message"), model.TraceID{}},
		{"worker", 13, s("retrying in 100 ms"), traceA},
		{"api", 17, s("a_b literal underscore"), model.TraceID{}},
	}
	for i, r := range rows {
		l := model.LogEvent{
			Project: "p1", TimeUnixNano: at(time.Duration(i) * time.Second), ObservedTimeUnixNano: at(time.Duration(i)*time.Second + time.Millisecond),
			SeverityNumber: r.sev, Body: r.body, TraceID: r.trace,
			Attributes: model.Attributes{kv("i", model.IntValue(int64(i)))}, Resource: resource(r.service),
		}
		if !r.trace.IsZero() {
			l.SpanID = sid(1)
		}
		if i%3 == 0 {
			l.LogGroup, l.LogStream = "/app/g", fmt.Sprintf("s%d", i%2)
		}
		p1 = append(p1, l)
	}
	p2 = model.LogEvent{Project: "p2", TimeUnixNano: at(0), SeverityNumber: 9, Body: s("p2 log"), Resource: resource("api"),
		Attributes: model.Attributes{kv("i", model.IntValue(100))}}
	return p1, p2
}

func logQuery(project string) store.LogQuery { return store.LogQuery{Project: project} }

// logIndexes lists the i attributes of events, for failure messages.
func logIndexes(ls []model.LogEvent) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		v, _ := l.Attributes.Get("i")
		out[i] = v.AsString()
	}
	return out
}

func logCases(b Backend) []testCase {
	sec := time.Second
	queries := []struct {
		name string
		q    store.LogQuery
		want []int // indexes into the p1 fixture, in order; -1 is the p2 event
	}{
		{"All", store.LogQuery{}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"Window", store.LogQuery{Start: T0.Add(2 * sec), End: T0.Add(5 * sec)}, []int{2, 3, 4}},
		{"WindowOnlyStart", store.LogQuery{Start: T0.Add(8 * sec)}, []int{8, 9}},
		{"WindowOnlyEnd", store.LogQuery{End: T0.Add(sec)}, []int{0}},
		{"Service", store.LogQuery{Service: "worker"}, []int{2, 4, 6, 8}},
		{"MinSeverityWarn", store.LogQuery{MinSeverity: 13}, []int{2, 3, 5, 8, 9}},
		{"MinSeverityError", store.LogQuery{MinSeverity: 17}, []int{2, 5, 9}},
		{"TraceID", store.LogQuery{TraceID: traceA}, []int{0, 5, 8}},
		{"TextCaseInsensitive", store.LogQuery{Text: "failed"}, []int{2, 4}},
		{"TextPercentIsLiteral", store.LogQuery{Text: "100%"}, []int{3}},
		{"TextUnderscoreIsLiteral", store.LogQuery{Text: "a_b"}, []int{9}},
		{"TextUnicode", store.LogQuery{Text: "ÄÖü"}, []int{7}},
		{"TextNoMatch", store.LogQuery{Text: "nomatch"}, nil},
		{"Limit", store.LogQuery{Limit: 3}, []int{0, 1, 2}},
		{"Descending", store.LogQuery{Descending: true}, []int{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"DescendingLimit", store.LogQuery{Descending: true, Limit: 2}, []int{9, 8}},
		{"Combined", store.LogQuery{Service: "api", MinSeverity: 9, Descending: true, Limit: 3}, []int{9, 7, 5}},
		{"TraceAndWindow", store.LogQuery{TraceID: traceA, Start: T0.Add(sec)}, []int{5, 8}},
		{"LogGroup", store.LogQuery{LogGroup: "/app/g"}, []int{0, 3, 6, 9}},
		{"LogGroupAndStream", store.LogQuery{LogGroup: "/app/g", LogStream: "s1"}, []int{3, 9}},
		{"OtherProject", store.LogQuery{Project: "p2"}, []int{-1}},
		{"UnknownProject", store.LogQuery{Project: "p3"}, nil},
	}
	return []testCase{
		{name: "Queries", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			p1, p2 := logFixture()
			mustWrite(t, s, &model.Batch{Logs: append(p1[5:], p2)})
			mustWrite(t, s, &model.Batch{Logs: p1[:5]})
			for _, c := range queries {
				t.Run(c.name, func(t *testing.T) {
					q := c.q
					if q.Project == "" {
						q.Project = "p1"
					}
					var want []model.LogEvent
					for _, i := range c.want {
						if i < 0 {
							want = append(want, p2)
						} else {
							want = append(want, p1[i])
						}
					}
					sameLogs(t, "logs", collect(t, s.Logs(ctx(t), q)), want)
				})
			}
		}},
		{name: "WithoutTime", run: func(t *testing.T, b Backend) {
			// OTLP's time 0 means unknown: the record is kept at its observed
			// time, found in a window around it, and read back with it.
			s := openStore(t, b)
			l := model.LogEvent{Project: "p1", ObservedTimeUnixNano: at(3 * time.Second), Body: model.StringValue("no time")}
			mustWrite(t, s, &model.Batch{Logs: []model.LogEvent{l}})
			q := logQuery("p1")
			q.Start, q.End = T0, T0.Add(time.Minute)
			want := l
			want.TimeUnixNano = l.ObservedTimeUnixNano
			sameLogs(t, "logs", collect(t, s.Logs(ctx(t), q)), []model.LogEvent{want})
		}},
		{name: "DefaultLimit", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			var ls []model.LogEvent
			for i := range 150 {
				ls = append(ls, model.LogEvent{Project: "p1", TimeUnixNano: at(time.Duration(i) * time.Millisecond),
					Body: model.StringValue(fmt.Sprint(i))})
			}
			mustWrite(t, s, &model.Batch{Logs: ls})
			got := collect(t, s.Logs(ctx(t), logQuery("p1")))
			if len(got) != 100 || got[99].Body.Str != "99" {
				t.Errorf("got %d events, want the first 100", len(got))
			}
		}},
		{name: "EarlyStop", run: func(t *testing.T, b Backend) {
			s := openStore(t, b)
			p1, _ := logFixture()
			mustWrite(t, s, &model.Batch{Logs: p1})
			n := 0
			for _, err := range s.Logs(ctx(t), logQuery("p1")) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 2 {
					break
				}
			}
			if n != 2 {
				t.Fatalf("iterated %d events, want 2", n)
			}
			// The stopped query released what it held: writes, reads and
			// partition drops proceed.
			mustWrite(t, s, &model.Batch{Logs: []model.LogEvent{{Project: "p1", TimeUnixNano: at(time.Minute)}}})
			if got := collect(t, s.Logs(ctx(t), logQuery("p1"))); len(got) != 11 {
				t.Errorf("after early stop: %d events, want 11", len(got))
			}
			done := make(chan error, 1)
			go func() {
				parts, err := s.Partitions(ctx(t))
				if err == nil && len(parts) > 0 {
					err = s.DropPartition(ctx(t), parts[0].Name)
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("drop after early stop: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("drop after an early-stopped log query hangs")
			}
		}},
	}
}
