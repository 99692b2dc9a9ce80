package metaduck

import (
	"path/filepath"
	"testing"

	"lookout/internal/store"
	"lookout/internal/store/storetest"
)

// TestConformance runs the store suite's metadata cases.
func TestConformance(t *testing.T) {
	storetest.RunAll(t, storetest.Backend{
		OpenMeta: func(t *testing.T, dir string) store.Meta { return openTest(t, filepath.Join(dir, "meta.duckdb")) },
	})
}
