package duckdb

import (
	"fmt"
	"math/rand/v2"
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
// COMMIT of batches already encoded — as the pipeline's committer runs it,
// in group commits of 1 and 16 requests of 512 spans. cpu-µs/span is the
// whole process's CPU (DuckDB's threads and checkpoints included) per span;
// run enough iterations (-benchtime 240x: 2M spans) to include checkpoints.
func BenchmarkWritePrepared(b *testing.B) {
	for _, group := range []int{1, 16} {
		b.Run(fmt.Sprint("requests=", group), func(b *testing.B) {
			s := openTest(b, b.TempDir())
			defer s.Close()
			rng := rand.New(rand.NewPCG(1, 2))
			const size, batches = 512, 64
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
			cpu := cpuTime(b) - cpu0
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "spans/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/span")
		})
	}
}
