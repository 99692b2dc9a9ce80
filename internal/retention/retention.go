// Package retention gives disk back: it drops whole time partitions once they
// are older than the retention period, and drops the oldest ones first while
// the store is over its disk budget.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lookout/internal/store"
)

// Config sets the policy.
type Config struct {
	Retention    time.Duration // partitions wholly older than this are dropped
	MaxDiskBytes int64         // 0: no budget
	Interval     time.Duration // how often Run enforces
	// CountFiles are files counted against MaxDiskBytes besides the
	// partitions (the metadata store and its WAL); they are never dropped,
	// and missing ones count 0.
	CountFiles []string

	Registerer prometheus.Registerer
	Logger     *slog.Logger
	Now        func() time.Time
}

// DefaultConfig keeps a week and checks every minute.
func DefaultConfig() Config {
	return Config{Retention: 7 * 24 * time.Hour, Interval: time.Minute}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Retention <= 0:
		return errors.New("retention: Retention must be positive")
	case c.MaxDiskBytes < 0:
		return errors.New("retention: MaxDiskBytes must not be negative")
	case c.Interval <= 0:
		return errors.New("retention: Interval must be positive")
	}
	return nil
}

// Dropped records one partition removal.
type Dropped struct {
	store.Partition
	Reason string // "retention" or "disk_budget"
}

// Enforcer applies the policy to a partitioned store.
type Enforcer struct {
	cfg     Config
	store   store.Partitioned
	log     *slog.Logger
	now     func() time.Time
	bytes   prometheus.Gauge
	others  prometheus.Gauge
	parts   prometheus.Gauge
	dropped *prometheus.CounterVec
	budget  prometheus.Gauge
}

// New builds an enforcer for s.
func New(cfg Config, s store.Partitioned) (*Enforcer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Enforcer{
		cfg: cfg, store: s, log: cfg.Logger, now: cfg.Now,
		bytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lookout_store_bytes", Help: "Bytes on disk of all stored partitions.",
		}),
		others: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lookout_store_other_bytes", Help: "Bytes on disk counted against the disk budget besides the partitions (the metadata store).",
		}),
		parts: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lookout_store_partitions", Help: "Stored time partitions.",
		}),
		budget: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lookout_store_budget_bytes", Help: "The disk budget (0: none).",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lookout_partitions_dropped_total", Help: "Partitions dropped, by reason (retention, disk_budget).",
		}, []string{"reason"}),
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.now == nil {
		e.now = time.Now
	}
	e.budget.Set(float64(cfg.MaxDiskBytes))
	if cfg.Registerer != nil {
		for _, c := range []prometheus.Collector{e.bytes, e.others, e.parts, e.budget, e.dropped} {
			if err := cfg.Registerer.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return e, nil
}

// Run enforces the policy at once and then every Interval until ctx is done.
func (e *Enforcer) Run(ctx context.Context) {
	t := time.NewTicker(e.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := e.Enforce(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("retention", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Enforce drops expired partitions, then the oldest ones while the total size
// (partitions and CountFiles) is over budget. The newest partition is never
// dropped for the budget: it holds the data arriving now, and a budget
// smaller than one day's data is reported in the log instead.
func (e *Enforcer) Enforce(ctx context.Context) ([]Dropped, error) {
	parts, err := e.store.Partitions(ctx)
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	cutoff := e.now().Add(-e.cfg.Retention)
	var total, others int64
	for _, f := range e.cfg.CountFiles {
		if fi, err := os.Stat(f); err == nil {
			others += fi.Size()
		}
	}
	total = others
	for _, p := range parts {
		total += p.Bytes
	}
	var done []Dropped
	drop := func(p store.Partition, reason string) error {
		if err := e.store.DropPartition(ctx, p.Name); err != nil {
			return fmt.Errorf("drop partition %s: %w", p.Name, err)
		}
		total -= p.Bytes
		done = append(done, Dropped{Partition: p, Reason: reason})
		e.dropped.WithLabelValues(reason).Inc()
		e.log.Warn("dropped partition", "partition", p.Name, "reason", reason, "bytes", p.Bytes, "store_bytes", total)
		return nil
	}
	for len(parts) > 0 && !parts[0].End.After(cutoff) {
		if err := drop(parts[0], "retention"); err != nil {
			return done, err
		}
		parts = parts[1:]
	}
	for e.cfg.MaxDiskBytes > 0 && total > e.cfg.MaxDiskBytes && len(parts) > 1 {
		if err := drop(parts[0], "disk_budget"); err != nil {
			return done, err
		}
		parts = parts[1:]
	}
	if e.cfg.MaxDiskBytes > 0 && total > e.cfg.MaxDiskBytes {
		e.log.Warn("store is over its disk budget with only the current partition left",
			"store_bytes", total, "metadata_bytes", others, "budget_bytes", e.cfg.MaxDiskBytes)
	}
	e.bytes.Set(float64(total - others))
	e.others.Set(float64(others))
	e.parts.Set(float64(len(parts)))
	return done, nil
}
