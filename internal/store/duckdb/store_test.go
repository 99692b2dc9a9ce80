package duckdb

import (
	"testing"

	"go.uber.org/goleak"

	"lookout/internal/store"
	"lookout/internal/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(mainRun{m}) }

// mainRun closes the benchmark data set shared between benchmarks before
// goleak looks for leftover goroutines.
type mainRun struct{ m *testing.M }

func (r mainRun) Run() int {
	code := r.m.Run()
	closeBenchData()
	return code
}

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Dir = dir
	cfg.MemoryLimit = "256MB"
	cfg.Threads = 2
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.RunAll(t, storetest.Backend{
		Open: func(t *testing.T, dir string) store.Store { return openTest(t, dir) },
	})
}
