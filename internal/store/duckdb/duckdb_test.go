package duckdb

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

var t0 = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)

func testSpan(trace byte, start time.Time) model.Span {
	return model.Span{Project: "p", TraceID: model.TraceID{trace}, SpanID: model.SpanID{1}, Name: "op",
		StartUnixNano: start.UnixNano(), EndUnixNano: start.Add(time.Millisecond).UnixNano()}
}

func TestConfigValidate(t *testing.T) {
	ok := DefaultConfig()
	ok.Dir = "/tmp/x"
	cases := []struct {
		name   string
		change func(*Config)
		valid  bool
	}{
		{"default with dir", func(*Config) {}, true},
		{"no dir", func(c *Config) { c.Dir = "" }, false},
		{"no memory limit", func(c *Config) { c.MemoryLimit = "" }, true},
		{"GiB", func(c *Config) { c.MemoryLimit = "1.5GiB" }, true},
		{"bad memory limit", func(c *Config) { c.MemoryLimit = "lots" }, false},
		{"injection", func(c *Config) { c.MemoryLimit = "1GB&threads=1" }, false},
		{"negative threads", func(c *Config) { c.Threads = -1 }, false},
		{"no read conns", func(c *Config) { c.ReadConns = 0 }, false},
	}
	for _, c := range cases {
		cfg := ok
		c.change(&cfg)
		if err := cfg.Validate(); (err == nil) != c.valid {
			t.Errorf("%s: Validate() = %v, want valid=%v", c.name, err, c.valid)
		}
	}
}

// TestAppenderJoinsTransaction checks that rows appended before a failure
// in the same partition transaction are rolled back: the appender's flush
// joins the explicit transaction instead of committing on its own.
func TestAppenderJoinsTransaction(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	sp := testSpan(1, t0)
	e, err := encodeBatch(&model.Batch{Spans: []model.Span{sp}})
	if err != nil {
		t.Fatal(err)
	}
	s.wmu.Lock()
	p, err := s.ensurePart(t.Context(), partName(sp.StartUnixNano))
	if err == nil {
		err = s.commitPart(p, tables{spans: []chunkTable{&e.parts[p.name].spans}, logs: []chunkTable{badTable{}}}, nil)
	}
	s.wmu.Unlock()
	if err == nil {
		t.Fatal("commit of a malformed log row succeeded")
	}
	if _, err := s.Trace(t.Context(), "p", sp.TraceID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("span of the failed transaction is visible: %v", err)
	}
	if err := s.Write(t.Context(), &model.Batch{Spans: []model.Span{sp}}); err != nil {
		t.Fatalf("write after rollback: %v", err)
	}
	if got, err := s.Trace(t.Context(), "p", sp.TraceID); err != nil || len(got) != 1 {
		t.Fatalf("after a good write: %d spans, %v", len(got), err)
	}
}

// badTable is a logs table of one row and too few columns.
type badTable struct{}

func (badTable) len() int               { return 1 }
func (badTable) columns() []chunkColumn { return []chunkColumn{strCol{"too few columns"}} }

func partFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "parts"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestDropPartitionDeletesFiles(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	defer s.Close()
	b := &model.Batch{Spans: []model.Span{testSpan(1, t0), testSpan(2, t0.AddDate(0, 0, 1))}}
	if err := s.Write(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	files := partFiles(t, dir)
	if !slices.Contains(files, "20250310.duckdb") || !slices.Contains(files, "20250311.duckdb") {
		t.Fatalf("partition files %q, want 20250310.duckdb and 20250311.duckdb", files)
	}
	if err := s.DropPartition(t.Context(), "20250310"); err != nil {
		t.Fatal(err)
	}
	for _, f := range partFiles(t, dir) {
		if f == "20250310.duckdb" || f == "20250310.duckdb.wal" {
			t.Errorf("%s still on disk after drop", f)
		}
	}
}

// TestDropWaitsForRunningQuery: a drop does not pull a partition from under
// a query that is still streaming it, and new queries do not wait for it.
func TestDropWaitsForRunningQuery(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	var logs []model.LogEvent
	for i := range 10 {
		logs = append(logs, model.LogEvent{Project: "p", TimeUnixNano: t0.Add(time.Duration(i) * time.Second).UnixNano()})
	}
	if err := s.Write(t.Context(), &model.Batch{Logs: logs}); err != nil {
		t.Fatal(err)
	}
	dropped := make(chan error, 1)
	n := 0
	for _, err := range s.Logs(t.Context(), store.LogQuery{Project: "p"}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 1 {
			go func() { dropped <- s.DropPartition(t.Context(), "20250310") }()
			time.Sleep(200 * time.Millisecond)
			select {
			case err := <-dropped:
				t.Fatalf("drop finished while a query still reads the partition: %v", err)
			default:
			}
			// A new query starts without waiting and no longer sees the partition.
			parts, _ := s.Partitions(t.Context())
			if len(parts) != 0 {
				t.Errorf("partition listed while being dropped: %+v", parts)
			}
		}
	}
	if n != 10 {
		t.Errorf("the running query read %d of 10 events", n)
	}
	select {
	case err := <-dropped:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("drop did not finish after the query ended")
	}
}

func TestClosed(t *testing.T) {
	s := openTest(t, t.TempDir())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if err := s.Write(t.Context(), &model.Batch{Spans: []model.Span{testSpan(1, t0)}}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if _, err := s.Trace(t.Context(), "p", model.TraceID{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("trace after close: %v", err)
	}
}

func TestSettingsApplied(t *testing.T) {
	s := openTest(t, t.TempDir()) // 256MB, 2 threads, default checkpoint threshold
	defer s.Close()
	for setting, want := range map[string]string{
		"memory_limit": "244.1 MiB", "threads": "2", "checkpoint_threshold": "244.1 MiB",
	} {
		var got string
		if err := s.db.QueryRowContext(t.Context(), "SELECT current_setting(?)::VARCHAR", setting).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
}
