package metaduck

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"lookout/internal/store"
)

// TestConcurrentDocumentPuts: concurrent upserts of one document each get
// their own version; none is lost.
func TestConcurrentDocumentPuts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	const n = 8
	var wg sync.WaitGroup
	versions := make(chan int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.PutDocument(ctx, store.Document{Project: "p", Kind: "k", Name: "x",
				Body: []byte(fmt.Sprintf(`{"i":%d}`, i))}, store.AnyVersion)
			if err != nil {
				t.Error(err)
				return
			}
			versions <- d.Version
		}()
	}
	wg.Wait()
	close(versions)
	seen := map[int64]bool{}
	for v := range versions {
		if seen[v] {
			t.Errorf("version %d given twice", v)
		}
		seen[v] = true
	}
	if d, err := s.Document(ctx, "p", "k", "x"); err != nil || d.Version != n {
		t.Errorf("final version %d (%v), want %d", d.Version, err, n)
	}
}
