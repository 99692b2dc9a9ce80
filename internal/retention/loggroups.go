package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"lookout/internal/store"
)

// LogGroupsConfig sets how often log group retention policies are applied.
type LogGroupsConfig struct {
	Interval time.Duration // how often Run applies every policy

	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now
}

// DefaultLogGroupsConfig applies the policies every ten minutes.
func DefaultLogGroupsConfig() LogGroupsConfig {
	return LogGroupsConfig{Interval: 10 * time.Minute}
}

// Validate reports the first invalid field.
func (c LogGroupsConfig) Validate() error {
	if c.Interval <= 0 {
		return errors.New("retention: log groups Interval must be positive")
	}
	return nil
}

// LogGroups enforces the retention policies of CloudWatch Logs log groups:
// a group's events older than its policy are deleted and its streams'
// figures (first/last event, stored bytes) recomputed. Groups without a
// policy keep their events until Enforcer drops the day partitions that
// hold them.
type LogGroups struct {
	cfg    LogGroupsConfig
	meta   store.LogGroups
	events store.LogGroupEvents
	log    *slog.Logger
	now    func() time.Time
}

// NewLogGroups builds the enforcer of the policies kept in meta over the
// events in events.
func NewLogGroups(cfg LogGroupsConfig, meta store.LogGroups, events store.LogGroupEvents) (*LogGroups, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if meta == nil || events == nil {
		return nil, errors.New("retention: log groups need the metadata store and the event store")
	}
	l := &LogGroups{cfg: cfg, meta: meta, events: events, log: cfg.Logger, now: cfg.Now}
	if l.log == nil {
		l.log = slog.Default()
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// Run applies every policy at once and then every Interval until ctx is
// done.
func (l *LogGroups) Run(ctx context.Context) {
	t := time.NewTicker(l.cfg.Interval)
	defer t.Stop()
	for {
		l.ExpireAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ExpireAll applies every group's retention policy once. Failures are
// logged; the next pass tries again.
func (l *LogGroups) ExpireAll(ctx context.Context) {
	groups, err := l.meta.RetainedLogGroups(ctx)
	if err != nil {
		l.log.Warn("retention: list log groups", "err", err)
		return
	}
	for _, g := range groups {
		if err := l.ExpireGroup(ctx, g.Project, g.Name, g.RetentionDays); err != nil {
			l.log.Warn("retention: log group", "group", g.Name, "err", err)
		}
	}
}

// ExpireGroup deletes the group's events older than days and, when any
// went, recomputes its streams' figures.
func (l *LogGroups) ExpireGroup(ctx context.Context, project, group string, days int) error {
	cutoff := l.now().Add(-time.Duration(days) * 24 * time.Hour)
	n, err := l.events.DeleteGroupEvents(ctx, project, group, "", cutoff.UnixNano())
	if err != nil {
		return fmt.Errorf("log group %q: expire: %w", group, err)
	}
	if n == 0 {
		return nil
	}
	l.log.Info("retention: deleted log events", "group", group, "events", n, "before", cutoff)
	stats, err := l.events.GroupStreamStats(ctx, project, group)
	if err != nil {
		return fmt.Errorf("log group %q: expire: %w", group, err)
	}
	if err := l.meta.ResetLogStreamStats(ctx, project, group, stats); err != nil {
		return fmt.Errorf("log group %q: expire: %w", group, err)
	}
	return nil
}
