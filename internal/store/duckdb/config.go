package duckdb

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
)

// Config configures the embedded DuckDB store.
type Config struct {
	// Dir is the data directory. Partition files live in Dir/parts, DuckDB's
	// spill files in Dir/tmp. Created when missing.
	Dir string
	// MemoryLimit caps DuckDB's buffer memory ("256MB", "2GiB"). Empty means
	// DuckDB's default, 80% of the machine's RAM.
	MemoryLimit string
	// Threads is DuckDB's worker thread count; 0 means one per CPU.
	Threads int
	// ReadConns is the size of the read connection pool (the writer has its
	// own connection).
	ReadConns int
	// CheckpointThreshold is the WAL size ("256MB") at which DuckDB folds a
	// partition's WAL into its database file. Each checkpoint recompresses
	// the partly filled last row group, so a larger threshold writes less
	// in total, at the price of memory and of WAL replay time on start.
	// Empty means DuckDB's default (16MB).
	CheckpointThreshold string
	// BubbleUpSample is the number of spans per side of a BubbleUp above
	// which the side is sampled; 0 means 250,000.
	BubbleUpSample int64
	// Logger receives what the store does on its own: partition files set
	// aside as damaged, partitions reopened after a failed write. Nil:
	// slog.Default().
	Logger *slog.Logger
}

// DefaultConfig returns a configuration for a small box: 256MB of buffer
// memory (with 10M spans stored and a 64MB threshold, the whole process
// peaked at ~515 MiB while ingesting, ~600 MiB after searches, and the
// query engine still meets its aims: BENCHMARKS.md), DuckDB's default thread
// count, four read connections and a 256MB checkpoint threshold: against
// 64MB, 15–22% less CPU per span in sustained ingest (fewer recompressions
// of the partly filled row group) for ~60 MiB more peak RSS at 1M spans
// (BENCHMARKS.md). Dir must still be set.
func DefaultConfig() Config {
	return Config{MemoryLimit: "256MB", ReadConns: 4, CheckpointThreshold: "256MB"}
}

var sizeRE = regexp.MustCompile(`(?i)^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)$`)

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.Dir == "" {
		return errors.New("duckdb config: dir is empty")
	}
	if c.MemoryLimit != "" && !sizeRE.MatchString(c.MemoryLimit) {
		return fmt.Errorf("duckdb config: memory limit %q: want a size such as 256MB", c.MemoryLimit)
	}
	if c.CheckpointThreshold != "" && !sizeRE.MatchString(c.CheckpointThreshold) {
		return fmt.Errorf("duckdb config: checkpoint threshold %q: want a size such as 64MB", c.CheckpointThreshold)
	}
	if c.Threads < 0 {
		return fmt.Errorf("duckdb config: threads %d: must not be negative", c.Threads)
	}
	if c.BubbleUpSample < 0 {
		return fmt.Errorf("duckdb config: bubbleup sample %d: must not be negative", c.BubbleUpSample)
	}
	if c.ReadConns < 1 {
		return fmt.Errorf("duckdb config: read conns %d: must be at least 1", c.ReadConns)
	}
	return nil
}

// dsn is the connection string of the in-memory main database the partition
// files are attached to.
func (c Config) dsn() string {
	v := url.Values{}
	if c.MemoryLimit != "" {
		v.Set("memory_limit", c.MemoryLimit)
	}
	if c.Threads > 0 {
		v.Set("threads", strconv.Itoa(c.Threads))
	}
	if c.CheckpointThreshold != "" {
		v.Set("checkpoint_threshold", c.CheckpointThreshold)
	}
	v.Set("temp_directory", filepath.Join(c.Dir, "tmp"))
	return c.catalogPath() + "?" + v.Encode()
}

// catalogPath is the main database the partitions are attached to. It holds
// only the views over them and is recreated at every open. It is a file in
// Dir rather than DuckDB's in-memory database because DuckDB caches database
// instances by path: every in-memory store of a process would share one
// catalog, and two stores (tests, benchmarks) would see each other's views.
func (c Config) catalogPath() string { return filepath.Join(c.Dir, "catalog.duckdb") }
