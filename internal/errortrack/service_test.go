package errortrack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// memStore is an in-memory store.ErrorWriter: items by fingerprint, one
// "transaction" per call; an occurrence whose UUID is in bad fails the
// call. While gate is non-nil each RecordOccurrences waits for it.
type memStore struct {
	mu      sync.Mutex
	items   map[string]*model.Item
	uuids   map[string]store.Recorded
	nextID  int64
	bad     map[string]bool
	gate    chan struct{}
	entered chan struct{}
}

func newMemStore() *memStore {
	return &memStore{items: map[string]*model.Item{}, uuids: map[string]store.Recorded{}}
}

func (m *memStore) RecordOccurrences(_ context.Context, occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	if m.entered != nil {
		m.entered <- struct{}{}
	}
	if m.gate != nil {
		<-m.gate
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range occs {
		if m.bad[o.UUID] {
			return nil, fmt.Errorf("occurrence %s: bad value", o.UUID)
		}
	}
	out := make([]store.Recorded, len(occs))
	for i, o := range occs {
		if r, ok := m.uuids[o.UUID]; ok {
			out[i] = store.Recorded{OccurrenceID: r.OccurrenceID, ItemID: r.ItemID, Duplicate: true}
			continue
		}
		m.nextID++
		o.ID = m.nextID
		it, ok := m.items[o.Fingerprint]
		if !ok {
			it = &model.Item{ID: int64(len(m.items) + 1), Counter: int64(len(m.items) + 1)}
			m.items[o.Fingerprint] = it
		}
		observe(it, o)
		out[i] = store.Recorded{OccurrenceID: o.ID, ItemID: it.ID}
		m.uuids[o.UUID] = out[i]
	}
	return out, nil
}

func (m *memStore) UpdateItem(_ context.Context, _ string, id int64, edit func(*model.Item) error) (model.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range m.items {
		if it.ID == id {
			next := *it
			if err := edit(&next); err != nil {
				return model.Item{}, err
			}
			*it = next
			return next, nil
		}
	}
	return model.Item{}, fmt.Errorf("item %d: %w", id, store.ErrNotFound)
}

func (m *memStore) DeleteOccurrencesBefore(context.Context, time.Time) (int64, error) { return 0, nil }

func (m *memStore) DeleteOccurrence(context.Context, string, int64) error { return nil }

// count reads a counter.
func count(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// startService runs a service over st until the test ends.
func startService(t *testing.T, st store.ErrorWriter, edit ...func(*Config)) *Service {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Now = func() time.Time { return t0 }
	for _, f := range edit {
		f(&cfg)
	}
	s, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Run(ctx)
	t.Cleanup(func() { cancel(); <-s.Stopped() })
	return s
}

func occurrence(uuid string) *model.ErrorOccurrence {
	return &model.ErrorOccurrence{Project: model.DefaultProject, UUID: uuid, Timestamp: t0, Received: t0,
		Environment: "production", Level: model.LevelError, Title: "boom", Data: []byte(`{"x":1}`)}
}

// TestRecord: occurrences are fingerprinted from their event, grouped
// into items, and a re-sent uuid is a duplicate.
func TestRecord(t *testing.T) {
	st := newMemStore()
	s := startService(t, st)
	userErr := Event{Traces: []Trace{{Class: "NotFound", Message: "user 12", Frames: []Frame{{Filename: "/app/users.go", Method: "find"}}}}}
	userErr13 := Event{Traces: []Trace{{Class: "NotFound", Message: "user 13", Frames: []Frame{{Filename: "/app/users.go", Method: "find"}}}}}
	cases := []struct {
		uuid     string
		ev       Event
		wantItem int64
		wantDup  bool
	}{
		{"u1", userErr, 1, false},
		{"u2", userErr13, 1, false},
		{"u3", Event{Message: "disk full"}, 2, false},
		{"u1", userErr, 1, true},
		{"u4", Event{Custom: "mine"}, 3, false},
	}
	for i, c := range cases {
		occ := occurrence(c.uuid)
		rec, err := s.Record(context.Background(), occ, c.ev)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if occ.Fingerprint != Fingerprint(c.ev) {
			t.Errorf("%d: fingerprint %q, want %q", i, occ.Fingerprint, Fingerprint(c.ev))
		}
		if rec.ItemID != c.wantItem || rec.Duplicate != c.wantDup {
			t.Errorf("%d: recorded %+v, want item %d duplicate %v", i, rec, c.wantItem, c.wantDup)
		}
	}
	if it := st.items[Fingerprint(userErr)]; it.TotalOccurrences != 2 || it.Title != "boom" {
		t.Errorf("item 1 = %+v, want 2 occurrences titled boom", it)
	}
	if got := count(t, s.metrics.accepted); got != float64(len(cases)) {
		t.Errorf("accepted = %v, want %d", got, len(cases))
	}
}

// TestRecordBadOccurrence: an occurrence the store refuses fails alone;
// those committed with it are recorded.
func TestRecordBadOccurrence(t *testing.T) {
	st := newMemStore()
	st.bad = map[string]bool{"bad": true}
	s := startService(t, st)
	var wg sync.WaitGroup
	errs := map[string]error{}
	var mu sync.Mutex
	for _, id := range []string{"a", "bad", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Record(context.Background(), occurrence(id), Event{Message: id})
			mu.Lock()
			errs[id] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	for id, err := range errs {
		if (err != nil) != (id == "bad") {
			t.Errorf("%s: err = %v", id, err)
		}
	}
	if got := count(t, s.metrics.rejected.WithLabelValues("store_error")); got != 1 {
		t.Errorf("store_error rejections = %v, want 1", got)
	}
}

// TestRecordOverloadAndClose: with the commit held, a report that does
// not fit the byte budget is refused at once as retryable; after Run
// returns, reports are refused with ErrClosed.
func TestRecordOverloadAndClose(t *testing.T) {
	st := newMemStore()
	st.gate, st.entered = make(chan struct{}), make(chan struct{}, 10)
	cfg := DefaultConfig()
	cfg.MaxQueueBytes = 10
	s, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go s.Run(ctx)
	first := make(chan error, 1)
	go func() {
		_, err := s.Record(context.Background(), occurrence("a"), Event{Message: "a"})
		first <- err
	}()
	<-st.entered
	if _, err := s.Record(context.Background(), occurrence("b"), Event{Message: "b"}); !errors.Is(err, pipeline.ErrOverloaded) || !pipeline.IsRetryable(err) {
		t.Fatalf("second report: %v, want retryable ErrOverloaded", err)
	}
	close(st.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	cancel()
	<-s.Stopped()
	if _, err := s.Record(context.Background(), occurrence("c"), Event{Message: "c"}); !errors.Is(err, pipeline.ErrClosed) {
		t.Fatalf("after stop: %v, want ErrClosed", err)
	}
	for reason, want := range map[string]float64{"overloaded": 1, "shutting_down": 1} {
		if got := count(t, s.metrics.rejected.WithLabelValues(reason)); got != want {
			t.Errorf("%s rejections = %v, want %v", reason, got, want)
		}
	}
}

func TestPatchItem(t *testing.T) {
	st := newMemStore()
	s := startService(t, st)
	if _, err := s.Record(context.Background(), occurrence("a"), Event{Message: "a"}); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	cases := []struct {
		name       string
		id         int64
		p          Patch
		wantStatus model.ItemStatus
		wantErr    func(error) bool
	}{
		{"resolve", 1, Patch{Status: str("resolved")}, model.StatusResolved, nil},
		{"bad status changes nothing", 1, Patch{Status: str("gone"), Title: str("renamed")}, model.StatusResolved,
			func(err error) bool { var inv *InvalidPatchError; return errors.As(err, &inv) }},
		{"unknown item", 9, Patch{Status: str("muted")}, "", func(err error) bool { return errors.Is(err, store.ErrNotFound) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			it, err := s.PatchItem(context.Background(), model.DefaultProject, c.id, c.p)
			if c.wantErr != nil {
				if err == nil || !c.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if it.Status != c.wantStatus || !it.LastResolved.Equal(t0) {
				t.Errorf("item = %+v, want %s resolved at the service's clock", it, c.wantStatus)
			}
		})
	}
	if it := st.items[Fingerprint(Event{Message: "a"})]; it.Status != model.StatusResolved || it.TitleLock {
		t.Errorf("stored item = %+v, want resolved and its title untouched", it)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		ok   bool
	}{
		{"default", func(*Config) {}, true},
		{"no batch wait", func(c *Config) { c.BatchWait = 0 }, true},
		{"negative batch wait", func(c *Config) { c.BatchWait = -time.Millisecond }, false},
		{"batch wait over 1s", func(c *Config) { c.BatchWait = 2 * time.Second }, false},
		{"zero batch", func(c *Config) { c.MaxBatch = 0 }, false},
		{"zero queue", func(c *Config) { c.QueueOccurrences = 0 }, false},
		{"zero bytes", func(c *Config) { c.MaxQueueBytes = 0 }, false},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
}
