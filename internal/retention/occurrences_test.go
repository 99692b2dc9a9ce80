package retention

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// occStore records the cutoffs it is asked to delete before.
type occStore struct {
	cutoffs []time.Time
	deleted int64
	fail    error
}

func (s *occStore) DeleteOccurrencesBefore(_ context.Context, t time.Time) (int64, error) {
	s.cutoffs = append(s.cutoffs, t)
	return s.deleted, s.fail
}

func TestOccurrenceExpire(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		retention  time.Duration
		fail       error
		wantCutoff time.Time // zero: no delete
		wantN      int64
		wantErr    bool
	}{
		{"a week", 7 * 24 * time.Hour, nil, now.Add(-7 * 24 * time.Hour), 3, false},
		{"an hour", time.Hour, nil, now.Add(-time.Hour), 3, false},
		{"kept forever", 0, nil, time.Time{}, 0, false},
		{"store error", time.Hour, errors.New("disk full"), now.Add(-time.Hour), 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &occStore{deleted: 3, fail: tc.fail}
			cfg := DefaultOccurrenceConfig()
			cfg.Retention, cfg.Now, cfg.Logger = tc.retention, func() time.Time { return now }, slog.New(slog.DiscardHandler)
			e, err := NewOccurrenceExpirer(cfg, s)
			if err != nil {
				t.Fatal(err)
			}
			n, err := e.Expire(context.Background())
			if (err != nil) != tc.wantErr || n != tc.wantN {
				t.Fatalf("Expire = %d, %v; want %d, error %v", n, err, tc.wantN, tc.wantErr)
			}
			if tc.wantCutoff.IsZero() {
				if len(s.cutoffs) != 0 {
					t.Errorf("deleted before %v, want no delete", s.cutoffs)
				}
				return
			}
			if len(s.cutoffs) != 1 || !s.cutoffs[0].Equal(tc.wantCutoff) {
				t.Errorf("cutoffs %v, want [%v]", s.cutoffs, tc.wantCutoff)
			}
		})
	}
}

// TestOccurrenceRun: Run deletes at once, then returns when ctx is done.
func TestOccurrenceRun(t *testing.T) {
	s := &occStore{}
	cfg := DefaultOccurrenceConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	e, err := NewOccurrenceExpirer(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.Run(ctx)
	if len(s.cutoffs) != 1 {
		t.Errorf("%d deletes, want 1 at start", len(s.cutoffs))
	}
}

func TestOccurrenceConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*OccurrenceConfig)
		ok   bool
	}{
		{"default", func(*OccurrenceConfig) {}, true},
		{"kept forever", func(c *OccurrenceConfig) { c.Retention = 0 }, true},
		{"negative retention", func(c *OccurrenceConfig) { c.Retention = -time.Hour }, false},
		{"zero interval", func(c *OccurrenceConfig) { c.Interval = 0 }, false},
	}
	for _, c := range cases {
		cfg := DefaultOccurrenceConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
}
