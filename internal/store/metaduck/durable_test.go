package metaduck

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestSyncWALTracksTheWAL: after an acknowledged write the WAL whose
// directory entry was synced is the one on disk.
func TestSyncWALTracksTheWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.duckdb")
	s, err := Open(context.Background(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CreateProject(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + ".wal")
	if err != nil {
		t.Skipf("no WAL after the write (checkpointed at once): %v", err)
	}
	if s.wal == nil || !os.SameFile(s.wal, fi) {
		t.Fatalf("synced WAL %v, on disk %v", s.wal, fi)
	}
}
