package logsearch

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/duckdb"
	"lookout/internal/store/metaduck"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is a service over real stores, with a writer that ingests events the
// way the CloudWatch Logs receiver does: a unique ingestion stamp per event
// and the stream's figures recorded after the commit.
type env struct {
	svc   *Service
	store *duckdb.Store
	meta  *metaduck.Store

	mu    sync.Mutex
	stamp int64
}

func newEnv(t testing.TB, mutate ...func(*Config)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dcfg := duckdb.DefaultConfig()
	dcfg.Dir, dcfg.MemoryLimit = filepath.Join(dir, "store"), "256MB"
	st, err := duckdb.Open(ctx, dcfg)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := metaduck.Open(ctx, metaduck.Config{Path: filepath.Join(dir, "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	for _, m := range mutate {
		m(&cfg)
	}
	svc, err := New(cfg, st, meta)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		svc.Close()
		meta.Close()
		st.Close()
	})
	return &env{svc: svc, store: st, meta: meta}
}

// event is one event to put: its time in epoch milliseconds and message.
type event struct {
	ms  int64
	msg string
}

// put stores events in a stream of project "p", creating the group and the
// stream when missing.
func (e *env) put(t testing.TB, group, stream string, events ...event) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UnixMilli()
	if err := e.meta.CreateLogGroup(ctx, store.LogGroup{Project: "p", Name: group, CreationMillis: now}); err != nil && !errors.Is(err, store.ErrExists) {
		t.Fatal(err)
	}
	err := e.meta.CreateLogStream(ctx, store.LogStream{Project: "p", Group: group, Name: stream, CreationMillis: now})
	if err != nil && !errors.Is(err, store.ErrExists) {
		t.Fatal(err)
	}
	e.mu.Lock()
	first := max(time.Now().UnixNano(), e.stamp+1)
	e.stamp = first + int64(len(events)) - 1
	e.mu.Unlock()
	logs := make([]model.LogEvent, len(events))
	add := store.LogStream{Project: "p", Group: group, Name: stream}
	for i, ev := range events {
		logs[i] = model.LogEvent{Project: "p", TimeUnixNano: ev.ms * 1e6, ObservedTimeUnixNano: first + int64(i),
			Body: model.StringValue(ev.msg), LogGroup: group, LogStream: stream}
		if add.Events == 0 || ev.ms < add.FirstEventMillis {
			add.FirstEventMillis = ev.ms
		}
		add.LastEventMillis = max(add.LastEventMillis, ev.ms)
		add.StoredBytes += int64(len(ev.msg))
		add.Events++
	}
	add.LastIngestionMillis = e.stamp / 1e6
	if err := e.store.Write(ctx, &model.Batch{Logs: logs}); err != nil {
		t.Fatal(err)
	}
	if err := e.meta.RecordLogEvents(ctx, add); err != nil {
		t.Fatal(err)
	}
}

// filterAll pages through a search to its end and returns the messages.
func (e *env) filterAll(t testing.TB, q FilterQuery) []string {
	t.Helper()
	var got []string
	for page := 0; ; page++ {
		out, err := e.svc.Filter(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range out.Events {
			got = append(got, ev.Message)
		}
		if q.After = out.Next; q.After == nil || page > 500 {
			return got
		}
	}
}
