package metaduck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// syncWAL makes a new WAL file's directory entry durable. DuckDB fsyncs the
// WAL's content at every COMMIT but not the directory, and it deletes and
// recreates the WAL around checkpoints: after a power loss a committed WAL
// could be missing. Call it after a commit and before acknowledging; it costs
// a stat unless the WAL is new.
func (s *Store) syncWAL() error {
	fi, err := os.Stat(s.path + ".wal")
	if errors.Is(err, fs.ErrNotExist) {
		return nil // checkpointed into the database file, which DuckDB fsyncs
	}
	if err != nil {
		return fmt.Errorf("metaduck: %w", err)
	}
	s.walMu.Lock()
	defer s.walMu.Unlock()
	if s.wal != nil && os.SameFile(s.wal, fi) {
		return nil
	}
	dir, err := os.Open(filepath.Dir(s.path))
	if err != nil {
		return fmt.Errorf("metaduck: sync directory: %w", err)
	}
	defer dir.Close()
	if err := dir.Sync(); err != nil {
		return fmt.Errorf("metaduck: sync directory: %w", err)
	}
	s.wal = fi
	return nil
}

// durable returns err, or the result of syncWAL when err is nil.
func (s *Store) durable(err error) error {
	if err != nil {
		return err
	}
	return s.syncWAL()
}
