// Package migrate copies a Lookout installation from one pair of stores into
// another (an embedded data directory into ClickHouse and PostgreSQL, say)
// through the store contract alone: the telemetry a day partition at a
// time, in bounded batches, then every metadata record.
//
// A copy may be run again, after an interruption or a failure, and copies
// only what the target lacks: a telemetry item is skipped when the target
// already holds an equal one (compared within the batch's time range, in
// the partitions the target already has); records keyed by name (projects,
// tokens, log groups and streams, documents) are created when missing and
// otherwise left as the target has them; an error item's occurrences are
// matched by uuid, or by content when they have none, and its fields are
// set from the source every time.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"lookout/internal/store"
)

// Config tunes a copy.
type Config struct {
	// Batch is the most telemetry items one write carries; a batch grows
	// past it only by items of the same time as its last. Default 5000.
	Batch int
	// Progress receives a line per partition, project and kind copied, and
	// while a partition copies one every ProgressEvery. nil: nothing.
	Progress      io.Writer
	ProgressEvery time.Duration // default 5s
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{Batch: 5000, ProgressEvery: 5 * time.Second}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.Batch <= 0 || c.ProgressEvery <= 0 {
		return errors.New("migrate: Batch and ProgressEvery must be positive")
	}
	return nil
}

// Stores is one side of a copy.
type Stores struct {
	Telemetry store.Store
	Meta      store.Meta
}

// Counts says what a copy did with one kind of item: copied, or found in
// the target already.
type Counts struct {
	Copied, Skipped int64
}

func (c *Counts) add(o Counts) { c.Copied, c.Skipped = c.Copied+o.Copied, c.Skipped+o.Skipped }

// Report sums up a copy.
type Report struct {
	Partitions                       int
	Spans, Logs, MetricPoints        Counts
	Projects, Tokens                 Counts
	LogGroups, LogStreams, Documents Counts
	Items, Occurrences, Deploys      Counts
	ItemsWithoutOccurrences          int64 // copied with none left in the source (expired)
	XRayGroups                       int64 // created through the groups' interface (not as documents)
	Elapsed                          time.Duration
}

// Copy copies what from holds into to: first the metadata, then the
// telemetry, partition by partition, oldest first. It stops at the first
// error; running it again goes on where it stopped (see the package
// documentation).
func Copy(ctx context.Context, cfg Config, from, to Stores) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	c := &copier{cfg: cfg, from: from, to: to, out: cfg.Progress, start: time.Now()}
	if c.out == nil {
		c.out = io.Discard
	}
	if err := c.meta(ctx); err != nil {
		return c.report, err
	}
	if err := c.telemetry(ctx); err != nil {
		return c.report, err
	}
	c.report.Elapsed = time.Since(c.start)
	return c.report, nil
}

// copier is the state of one Copy.
type copier struct {
	cfg      Config
	from, to Stores
	out      io.Writer
	start    time.Time
	report   Report
}

func (c *copier) printf(format string, args ...any) {
	fmt.Fprintf(c.out, format+"\n", args...)
}
