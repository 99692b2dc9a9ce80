package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

func adminCases(b Backend) []testCase {
	noReopen := ""
	if b.NoReopen {
		noReopen = "backend declares NoReopen"
	}
	return []testCase{
		{name: "Services", run: testServices},
		{name: "Usage", run: testUsage},
		{name: "PartitionsByDay", run: testPartitions},
		{name: "Reopen", skip: noReopen, run: testReopen},
		{name: "ConcurrentWritesAndReads", run: testConcurrent},
	}
}

func stat(name string, spans, logs int64) store.ServiceStat {
	return store.ServiceStat{Name: name, SpanCount: spans, LogCount: logs}
}

// writeFixtures writes the spans of testdata/search.json and the log
// events of testdata/logs.json in one batch.
func writeFixtures(t *testing.T, s store.Store) {
	t.Helper()
	b := fileBatch(t, "search")
	b.Logs = fileBatch(t, "logs").Logs
	mustWrite(t, s, b)
}

// logFixture is the p1 events of testdata/logs.json, E0 to E9.
func logFixture(t *testing.T) []model.LogEvent {
	t.Helper()
	var out []model.LogEvent
	for i := range 10 {
		out = append(out, fileLog(t, "logs", fmt.Sprintf("E%d", i)))
	}
	return out
}

func logQuery(project string) store.LogQuery { return store.LogQuery{Project: project} }

func tags(kv ...string) []store.Tag {
	var ts []store.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, store.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return ts
}

func sameSummaries(t *testing.T, got, want []store.TraceSummary) {
	t.Helper()
	name := func(s []store.TraceSummary) []string {
		var out []string
		for _, x := range s {
			out = append(out, x.RootTraceName)
		}
		return out
	}
	if len(got) != len(want) {
		t.Fatalf("got %d traces %q, want %d %q", len(got), name(got), len(want), name(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("summary %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func testServices(t *testing.T, b Backend) {
	s := openStore(t, b)
	writeFixtures(t, s)
	mustWrite(t, s, &model.Batch{Logs: []model.LogEvent{{Project: "p3", TimeUnixNano: at(0)}}})
	cases := []struct {
		name       string
		project    string
		start, end time.Time
		want       []store.ServiceStat
	}{
		{"All", "p1", time.Time{}, time.Time{}, []store.ServiceStat{
			stat("api", 0, 6), stat("cart", 3, 0), stat("db", 2, 0), stat("frontend", 4, 0), stat("payment", 2, 0), stat("worker", 0, 4)}},
		{"Window", "p1", T0, T0.Add(2500 * time.Millisecond), []store.ServiceStat{
			stat("api", 0, 2), stat("cart", 2, 0), stat("db", 2, 0), stat("frontend", 2, 0), stat("payment", 2, 0), stat("worker", 0, 1)}},
		{"OtherProject", "p2", time.Time{}, time.Time{}, []store.ServiceStat{stat("api", 0, 1), stat("other", 1, 0)}},
		{"UnknownService", "p3", time.Time{}, time.Time{}, []store.ServiceStat{stat(model.UnknownService, 0, 1)}},
		{"Empty", "p4", time.Time{}, time.Time{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Services(ctx(t), c.project, c.start, c.end)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 || len(c.want) != 0 {
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("\n got %+v\nwant %+v", got, c.want)
				}
			}
		})
	}
}

func testUsage(t *testing.T, b Backend) {
	s := openStore(t, b)
	writeFixtures(t, s)
	// One more frontend span, on the next day (another partition).
	mustWrite(t, s, &model.Batch{Spans: []model.Span{span("p1", tid(0x55), 1, 0, "frontend", "tomorrow", 30*time.Hour, 0)}})
	got, err := s.Usage(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	sec := time.Second
	want := []store.UsageRow{
		{Project: "p1", Kind: "logs", Service: "api", Rows: 6, LastUnixNano: at(9 * sec)},
		{Project: "p1", Kind: "logs", Service: "worker", Rows: 4, LastUnixNano: at(8 * sec)},
		{Project: "p1", Kind: "spans", Service: "cart", Rows: 3, LastUnixNano: at(2900 * time.Millisecond)},
		{Project: "p1", Kind: "spans", Service: "db", Rows: 2, LastUnixNano: at(2100 * time.Millisecond)},
		{Project: "p1", Kind: "spans", Service: "frontend", Rows: 5, LastUnixNano: at(30 * time.Hour)},
		{Project: "p1", Kind: "spans", Service: "payment", Rows: 2, LastUnixNano: at(1700 * time.Millisecond)},
		{Project: "p2", Kind: "logs", Service: "api", Rows: 1, LastUnixNano: at(0)},
		{Project: "p2", Kind: "spans", Service: "other", Rows: 1, LastUnixNano: at(5 * sec)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %+v, want %d", len(got), got, len(want))
	}
	var sum int64
	for i := range want {
		g := got[i]
		if g.Bytes <= 0 {
			t.Errorf("row %d %s/%s/%s: %d bytes, want > 0", i, g.Project, g.Kind, g.Service, g.Bytes)
		}
		sum += g.Bytes
		g.Bytes = 0
		if g != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, want[i])
		}
	}
	parts, err := s.Partitions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, p := range parts {
		total += p.Bytes
	}
	if sum > total {
		t.Errorf("usage totals %d bytes, more than the %d bytes of all partitions", sum, total)
	}
}

func testPartitions(t *testing.T, b Backend) {
	s := openStore(t, b)
	day1 := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	day2 := day1.AddDate(0, 0, 1)
	root := span("p1", tid(1), 1, 0, "web", "before midnight", 0, 0)
	root.StartUnixNano, root.EndUnixNano = day2.Add(-100*time.Millisecond).UnixNano(), day2.Add(time.Second).UnixNano()
	child := span("p1", tid(1), 2, 1, "db", "after midnight", 0, 0)
	child.StartUnixNano, child.EndUnixNano = day2.Add(50*time.Millisecond).UnixNano(), day2.Add(60*time.Millisecond).UnixNano()
	log1 := model.LogEvent{Project: "p1", TimeUnixNano: day2.Add(-time.Second).UnixNano(), Body: model.StringValue("day 1"), Resource: resource("web")}
	log2 := model.LogEvent{Project: "p1", TimeUnixNano: day2.Add(time.Second).UnixNano(), Body: model.StringValue("day 2"), Resource: resource("web")}
	mustWrite(t, s, &model.Batch{Spans: []model.Span{child, root}, Logs: []model.LogEvent{log2, log1}})

	parts := partitions(t, s, 2)
	if !b.NoDayPartitions {
		for i, day := range []time.Time{day1, day2} {
			p := parts[i]
			if !p.Start.Equal(day) || !p.End.Equal(day.AddDate(0, 0, 1)) {
				t.Errorf("partition %d %q spans %v .. %v, want the UTC day %v", i, p.Name, p.Start, p.End, day)
			}
		}
	}
	for _, p := range parts {
		if p.Bytes <= 0 {
			t.Errorf("partition %q: %d bytes, want > 0", p.Name, p.Bytes)
		}
	}
	sameSpans(t, "both days", mustTrace(t, s, "p1", tid(1)), []model.Span{root, child})
	sameLogs(t, "both days", collect(t, s.Logs(ctx(t), logQuery("p1"))), []model.LogEvent{log1, log2})

	if err := s.DropPartition(ctx(t), parts[0].Name); err != nil {
		t.Fatalf("drop %q: %v", parts[0].Name, err)
	}
	left := partitions(t, s, 1)
	if left[0].Name != parts[1].Name {
		t.Errorf("after dropping %q, partition %q is left; want %q", parts[0].Name, left[0].Name, parts[1].Name)
	}
	sameSpans(t, "after drop", mustTrace(t, s, "p1", tid(1)), []model.Span{child})
	sameLogs(t, "after drop", collect(t, s.Logs(ctx(t), logQuery("p1"))), []model.LogEvent{log2})
	if got, err := s.Services(ctx(t), "p1", time.Time{}, time.Time{}); err != nil || !reflect.DeepEqual(got, []store.ServiceStat{stat("db", 1, 0), stat("web", 0, 1)}) {
		t.Errorf("services after drop: %+v, %v", got, err)
	}
	if err := s.DropPartition(ctx(t), parts[0].Name); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second drop of %q: %v, want store.ErrNotFound", parts[0].Name, err)
	}
	if err := s.DropPartition(ctx(t), "no such partition"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("drop of an unknown name: %v, want store.ErrNotFound", err)
	}

	// The dropped day takes writes again.
	mustWrite(t, s, &model.Batch{Spans: []model.Span{root}})
	partitions(t, s, 2)
	sameSpans(t, "rewritten", mustTrace(t, s, "p1", tid(1)), []model.Span{root, child})

	for _, p := range partitions(t, s, 2) {
		if err := s.DropPartition(ctx(t), p.Name); err != nil {
			t.Fatalf("drop %q: %v", p.Name, err)
		}
	}
	partitions(t, s, 0)
	wantNotFound(t, s, "p1", tid(1))
	if got := collect(t, s.Logs(ctx(t), logQuery("p1"))); len(got) != 0 {
		t.Errorf("after dropping everything: %d log events", len(got))
	}
}

func partitions(t *testing.T, s store.Store, want int) []store.Partition {
	t.Helper()
	parts, err := s.Partitions(ctx(t))
	if err != nil {
		t.Fatalf("partitions: %v", err)
	}
	if len(parts) != want {
		t.Fatalf("got %d partitions %+v, want %d", len(parts), parts, want)
	}
	for i := 1; i < len(parts); i++ {
		if !parts[i-1].Start.Before(parts[i].Start) {
			t.Errorf("partitions not oldest first: %+v", parts)
		}
	}
	return parts
}

func testReopen(t *testing.T, b Backend) {
	s := openStore(t, b)
	sp, l := fileSpan(t, "traces", "fullSpan"), fileLog(t, "traces", "fullLog")
	mustWrite(t, s, &model.Batch{Spans: []model.Span{sp}, Logs: []model.LogEvent{l}})
	writeFixtures(t, s)
	s.reopen(t)
	sameSpans(t, "full span after reopen", mustTrace(t, s, "p1", sp.TraceID), []model.Span{sp})
	got, err := s.SearchTraces(ctx(t), store.TraceQuery{Project: "p1", Start: T0.Add(-2 * time.Hour), End: T0.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	var want []store.TraceSummary
	for _, name := range []string{"D", "C", "B", "A", "E"} {
		want = append(want, fileSummary(t, "search", name))
	}
	sameSummaries(t, got, want)
	sameLogs(t, "logs after reopen", collect(t, s.Logs(ctx(t), logQuery("p1"))), append(logFixture(t), l))

	// Writes go on after a reopen, to existing and to new partitions.
	later := span("p1", tid(0x77), 1, 0, "web", "next day", 30*time.Hour, time.Millisecond)
	again := span("p1", tid(0x78), 1, 0, "web", "same day", time.Minute, time.Millisecond)
	mustWrite(t, s, &model.Batch{Spans: []model.Span{later, again}})
	s.reopen(t)
	sameSpans(t, "next day", mustTrace(t, s, "p1", later.TraceID), []model.Span{later})
	sameSpans(t, "same day", mustTrace(t, s, "p1", again.TraceID), []model.Span{again})
}

func testConcurrent(t *testing.T, b Backend) {
	s := openStore(t, b)
	const writers, batches, perBatch = 4, 15, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches+100)
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range batches {
				id := tid(byte(w*batches + i + 1))
				var spans []model.Span
				for k := range perBatch {
					spans = append(spans, span("p1", id, byte(k+1), byte(k), fmt.Sprint("svc", w), "op", time.Duration(i)*time.Second, time.Millisecond))
				}
				errs <- s.Write(ctx(t), &model.Batch{Spans: spans, Logs: []model.LogEvent{{Project: "p1", TimeUnixNano: at(time.Duration(i) * time.Second)}}})
			}
		}()
	}
	var rg sync.WaitGroup
	rg.Add(1)
	go func() {
		defer rg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.SearchTraces(ctx(t), store.TraceQuery{Project: "p1", Tags: tags("service.name", "svc1")}); err != nil {
				errs <- err
			}
			for _, err := range s.Logs(ctx(t), store.LogQuery{Project: "p1", Limit: 5}) {
				if err != nil {
					errs <- err
				}
			}
		}
	}()
	wg.Wait()
	close(stop)
	rg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.SearchTraces(ctx(t), store.TraceQuery{Project: "p1", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != writers*batches {
		t.Errorf("got %d traces, want %d", len(got), writers*batches)
	}
	for _, sum := range got {
		if sum.SpanCount != perBatch || sum.RootTraceName != "op" {
			t.Errorf("trace %s: %+v, want %d spans", sum.TraceID, sum, perBatch)
		}
	}
}
