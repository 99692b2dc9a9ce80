package duckdb

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
)

var _ pipeline.Preparer = (*Store)(nil)

// cpuTime is the process's user+system CPU time, DuckDB's threads included.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPrepare measures the encoding that the pipeline runs on the
// clients' goroutines (Store.Prepare), 512 spans per batch.
func BenchmarkPrepare(b *testing.B) {
	s := openTest(b, b.TempDir())
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	pool := benchSpans(rng, 20*512, time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC), time.Hour)
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		off := (i % 20) * 512
		if _, err := s.Prepare(&model.Batch{Spans: pool[off : off+512]}); err != nil {
			b.Fatal(err)
		}
		n += 512
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/span")
}

// BenchmarkWritePrepared measures the serial part of a commit — append and
// COMMIT of batches already encoded — as the pipeline's committer runs it:
// group commits of 16 requests of 512 spans, of 256 (131k spans, more than a
// row group, which DuckDB writes straight to the database file), of 16
// with a WAL threshold so large that only the final checkpoint compresses,
// and of one request of 100 spans (a latency-bound load such as
// telemetrygen's: one export of 100 spans per commit), with the two
// thresholds. With 1GB, wal-B/span is what DuckDB's WAL took per span.
// cpu-µs/span is the whole process's CPU (DuckDB's threads included) per
// span, up to and including the checkpoint on close: run long enough
// (-benchtime 25s) for several checkpoints.
func BenchmarkWritePrepared(b *testing.B) {
	for _, tc := range []struct {
		group, size int
		checkpoint  string
	}{{16, 512, "64MB"}, {256, 512, "64MB"}, {16, 512, "1GB"}, {1, 100, "64MB"}, {1, 100, "1GB"}} {
		group, size := tc.group, tc.size
		b.Run(fmt.Sprint("requests=", group, "x", size, "/checkpoint=", tc.checkpoint), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Dir, cfg.Threads, cfg.CheckpointThreshold = b.TempDir(), 2, tc.checkpoint
			s, err := Open(b.Context(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			rng := rand.New(rand.NewPCG(1, 2))
			const batches = 256
			pool := benchSpans(rng, batches*size, time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC), time.Hour)
			prepared := make([]any, batches)
			for i := range prepared {
				var err error
				if prepared[i], err = s.Prepare(&model.Batch{Spans: pool[i*size : (i+1)*size]}); err != nil {
					b.Fatal(err)
				}
			}
			n := 0
			cpu0 := cpuTime(b)
			for i := 0; b.Loop(); i++ {
				off := (i * group) % batches
				if err := s.WritePrepared(b.Context(), prepared[off:off+group]); err != nil {
					b.Fatal(err)
				}
				n += group * size
			}
			b.StopTimer()
			// Below the checkpoint threshold the WAL holds every commit: its
			// bytes per span show what DuckDB logs per commit.
			var wal int64
			if tc.checkpoint == "1GB" {
				files, _ := filepath.Glob(filepath.Join(s.partsDir, "*.wal"))
				for _, f := range files {
					if fi, err := os.Stat(f); err == nil {
						wal += fi.Size()
					}
				}
			}
			// Closing checkpoints what the WAL still holds: that cost is the
			// writes' too.
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			cpu := cpuTime(b) - cpu0
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "spans/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/span")
			if wal > 0 {
				b.ReportMetric(float64(wal)/float64(n), "wal-B/span")
			}
		})
	}
}
