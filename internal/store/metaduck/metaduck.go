// Package metaduck is the embedded metadata store: the small, mutable records
// that are not telemetry (log groups and streams, retention policies, tags,
// error items and their state, projects and access tokens, configuration
// documents such as X-Ray sampling rules, X-Ray groups), in one DuckDB file.
// Telemetry itself lives in the partitioned store (package duckdb); in cluster
// mode PostgreSQL takes this role.
package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	_ "github.com/marcboeker/go-duckdb/v2" // registers the "duckdb" driver

	"lookout/internal/store"
)

// Config locates the database.
type Config struct {
	Path   string       // the database file, e.g. <data-dir>/meta.duckdb
	Logger *slog.Logger // what the store does on its own; nil: slog.Default()
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.Path == "" {
		return errors.New("metaduck: Path must be set")
	}
	return nil
}

// DamagedError is Open's error for a database file DuckDB cannot read
// (truncated, overwritten). Repair sets such a file aside.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("metadata store %s is damaged: %v", e.Path, e.Err)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// Store is safe for concurrent use. Writes are serialised; reads run in
// parallel.
type Store struct {
	path string
	log  *slog.Logger

	// gate is read-held by every operation and write-held to reopen the
	// database (reopen.go); db and closed change only under its write lock.
	gate   sync.RWMutex
	db     *sql.DB
	closed bool
	// stale marks a database to reopen before the next operation.
	stale atomic.Bool

	// writes serialises writes: error-tracking writes read items, then
	// update them, and counters and uuids stay unique without UNIQUE
	// constraints, which DuckDB checks eagerly within a transaction; and
	// no write may follow a failed one before the reopen (reopen.go).
	writes sync.Mutex
	// walPending: the database was opened with a WAL, to checkpoint
	// before the first write. Guarded by writes.
	walPending bool
	// documentWrites serialises document writes: each reads the version it
	// changes, and two creators of one name would otherwise both find none
	// and one break the primary key.
	documentWrites sync.Mutex

	walMu sync.Mutex  // guards wal
	wal   os.FileInfo // the WAL file whose directory entry was last synced
}

var _ store.Meta = (*Store)(nil)

// Open opens or creates the database and brings its schema up to date. A
// file DuckDB cannot read gives a *DamagedError.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o755); err != nil {
		return nil, fmt.Errorf("metaduck: %w", err)
	}
	s := &Store{path: cfg.Path, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.openDB(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) damaged(err error) error { return &DamagedError{Path: s.path, Err: err} }

func (s *Store) dir() string { return filepath.Dir(s.path) }

// Close releases the database. A database marked for reopening is closed
// without a checkpoint, so what DuckDB holds in memory is not written.
func (s *Store) Close() error {
	s.gate.Lock()
	defer s.gate.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.db == nil {
		return nil
	}
	if s.stale.Load() {
		_, _ = s.db.Exec("PRAGMA disable_checkpoint_on_shutdown")
	}
	return s.db.Close()
}

// schema lists every feature's DDL, in order. Statements must be idempotent
// (CREATE ... IF NOT EXISTS) since they run at every start.
func schema() []string {
	return slices.Concat(cwlogsDDL(), errorsDDL(), documentsDDL())
}
