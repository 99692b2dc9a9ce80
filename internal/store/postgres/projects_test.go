package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"

	"lookout/internal/store"
)

// TestNodesCreateProjectConcurrently: of concurrent creations of one name
// from two nodes, exactly one succeeds.
func TestNodesCreateProjectConcurrently(t *testing.T) {
	ns := nodes(t, 2)
	var wg sync.WaitGroup
	results := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ns[i%2].CreateProject(context.Background(), "race")
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrExists):
			t.Error(err)
		}
	}
	if ok != 1 {
		t.Errorf("%d creations succeeded, want 1", ok)
	}
}
