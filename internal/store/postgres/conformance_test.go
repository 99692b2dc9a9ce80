package postgres

import (
	"sync"
	"testing"

	"lookout/internal/store"
	"lookout/internal/store/storetest"
)

// TestConformance runs the store suite's metadata cases, each on a fresh
// database; a case that reopens its store gets the same database again.
func TestConformance(t *testing.T) {
	var mu sync.Mutex
	dbs := map[string]string{} // the case's directory → its database
	storetest.RunAll(t, storetest.Backend{
		OpenMeta: func(t *testing.T, dir string) store.Meta {
			mu.Lock()
			url, ok := dbs[dir]
			mu.Unlock()
			if !ok {
				url = cluster.Schema(t)
				mu.Lock()
				dbs[dir] = url
				mu.Unlock()
			}
			return openURL(t, url)
		},
	})
}
