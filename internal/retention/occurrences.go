package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// OccurrenceConfig sets how long error occurrences are kept.
type OccurrenceConfig struct {
	// Retention deletes occurrences received longer ago than this; their
	// items stay, with their counts. 0 keeps them forever. Default 7 days.
	Retention time.Duration
	// Interval is how often Run deletes. Default 1 hour.
	Interval time.Duration

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultOccurrenceConfig keeps a week and deletes hourly.
func DefaultOccurrenceConfig() OccurrenceConfig {
	return OccurrenceConfig{Retention: 7 * 24 * time.Hour, Interval: time.Hour}
}

// Validate reports the first invalid field.
func (c OccurrenceConfig) Validate() error {
	switch {
	case c.Retention < 0:
		return errors.New("retention: occurrence Retention must not be negative")
	case c.Interval <= 0:
		return errors.New("retention: occurrence Interval must be positive")
	}
	return nil
}

// OccurrenceStore deletes error occurrences by age; store.ErrorWriter has
// this method.
type OccurrenceStore interface {
	// DeleteOccurrencesBefore deletes occurrences received before t, in
	// every project, and returns how many.
	DeleteOccurrencesBefore(ctx context.Context, t time.Time) (int64, error)
}

// OccurrenceExpirer deletes error occurrences past their retention.
type OccurrenceExpirer struct {
	cfg   OccurrenceConfig
	store OccurrenceStore
	log   *slog.Logger
	now   func() time.Time
}

// NewOccurrenceExpirer builds an expirer for s.
func NewOccurrenceExpirer(cfg OccurrenceConfig, s OccurrenceStore) (*OccurrenceExpirer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("retention: occurrence store is nil")
	}
	e := &OccurrenceExpirer{cfg: cfg, store: s, log: cfg.Logger, now: cfg.Now}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.now == nil {
		e.now = time.Now
	}
	return e, nil
}

// Run deletes expired occurrences at once and then every Interval until
// ctx is done. With Retention 0 it returns at once.
func (e *OccurrenceExpirer) Run(ctx context.Context) {
	if e.cfg.Retention == 0 {
		return
	}
	t := time.NewTicker(e.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := e.Expire(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("occurrence retention", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Expire deletes the occurrences received more than Retention ago and
// returns how many; with Retention 0 it deletes nothing.
func (e *OccurrenceExpirer) Expire(ctx context.Context) (int64, error) {
	if e.cfg.Retention == 0 {
		return 0, nil
	}
	n, err := e.store.DeleteOccurrencesBefore(ctx, e.now().Add(-e.cfg.Retention))
	if err != nil {
		return 0, fmt.Errorf("expire occurrences: %w", err)
	}
	if n > 0 {
		e.log.Info("expired occurrences", "deleted", n, "retention", e.cfg.Retention)
	}
	return n, nil
}
