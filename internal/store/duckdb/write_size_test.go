package duckdb

import (
	"runtime"
	"testing"

	"lookout/internal/model"
)

// TestPreparedSize: the size a prepared batch reports, which bounds the
// pipeline's queue, is within a factor of two of the heap it holds.
func TestPreparedSize(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	// The spans are dropped once prepared, as the pipeline drops them: the
	// strings they share with the columns are then the columns' to hold.
	e, err := s.Prepare(&model.Batch{Spans: chunkSpans(20000)})
	if err != nil {
		t.Fatal(err)
	}
	held := float64(heap() - before)
	size := float64(e.(interface{ Size() int64 }).Size())
	t.Logf("Size %.0f bytes, heap held %.0f bytes (%.2f)", size, held, size/held)
	if size < held/2 || size > held*2 {
		t.Errorf("Size %.0f bytes for %.0f bytes of heap held", size, held)
	}
	runtime.KeepAlive(e)
}
