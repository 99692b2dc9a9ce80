package rollbar

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// batchSink is a store.ErrorWriter that records the size of each commit.
type batchSink struct {
	mu    sync.Mutex
	sizes []int
}

func (s *batchSink) RecordOccurrences(_ context.Context, occs []*model.ErrorOccurrence, _ store.ObserveFunc) ([]store.Recorded, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sizes = append(s.sizes, len(occs))
	return make([]store.Recorded, len(occs)), nil
}

func (s *batchSink) UpdateItem(context.Context, string, int64, func(*model.Item) error) (model.Item, error) {
	return model.Item{}, nil
}

func (s *batchSink) DeleteOccurrencesBefore(context.Context, time.Time) (int64, error) { return 0, nil }

// TestWriterBatchWait checks group commits: a lone report is committed at
// once; after a commit of several, what arrives within BatchWait joins the
// next commit.
func TestWriterBatchWait(t *testing.T) {
	cases := []struct {
		wait time.Duration
		want string
	}{
		{0, "[2 1 1]"},
		{300 * time.Millisecond, "[2 2]"},
	}
	for _, c := range cases {
		t.Run(c.wait.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.BatchWait, cfg.Retention = c.wait, 0
			sink := &batchSink{}
			w := newWriter(cfg, sink, slog.New(slog.DiscardHandler), time.Now)
			submit := func() *job {
				j := &job{occ: &model.ErrorOccurrence{}, done: make(chan outcome, 1)}
				if err := w.enqueue(j); err != nil {
					t.Fatal(err)
				}
				return j
			}
			first := []*job{submit(), submit()} // queued before the writer runs: one commit
			go w.run()
			defer w.close()
			for _, j := range first {
				<-j.done
			}
			a := submit()
			time.Sleep(50 * time.Millisecond)
			b := submit()
			<-a.done
			<-b.done
			sink.mu.Lock()
			got := fmt.Sprint(sink.sizes)
			sink.mu.Unlock()
			if got != c.want {
				t.Errorf("commit sizes %s, want %s", got, c.want)
			}
		})
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
		{"small body", func(c *Config) { c.MaxBodyBytes = 1 << 10 }, false},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
}
