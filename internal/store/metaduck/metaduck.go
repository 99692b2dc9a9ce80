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
	"os"
	"path/filepath"
	"slices"
	"sync"

	_ "github.com/marcboeker/go-duckdb/v2" // registers the "duckdb" driver

	"lookout/internal/store"
)

// Config locates the database.
type Config struct {
	Path string // the database file, e.g. <data-dir>/meta.duckdb
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.Path == "" {
		return errors.New("metaduck: Path must be set")
	}
	return nil
}

// Store is safe for concurrent use.
type Store struct {
	db *sql.DB
	// errorWrites serialises error-tracking writes: items are read, then
	// updated, and counters and uuids stay unique without UNIQUE
	// constraints, which DuckDB checks eagerly within a transaction.
	errorWrites sync.Mutex
	// documentWrites serialises document writes: each reads the version it
	// changes, and two creators of one name would otherwise both find none
	// and one break the primary key.
	documentWrites sync.Mutex
	// groupWrites serialises X-Ray group writes: a create counts the
	// project's groups before it inserts.
	groupWrites sync.Mutex

	path  string      // the database file
	walMu sync.Mutex  // guards wal
	wal   os.FileInfo // the WAL file whose directory entry was last synced
}

var _ store.Meta = (*Store)(nil)

// Open opens or creates the database and brings its schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o755); err != nil {
		return nil, fmt.Errorf("metaduck: %w", err)
	}
	db, err := sql.Open("duckdb", cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("metaduck: open %s: %w", cfg.Path, err)
	}
	s := &Store{db: db, path: cfg.Path}
	for _, ddl := range schema() {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			db.Close()
			return nil, fmt.Errorf("metaduck: schema: %w\n%s", err, ddl)
		}
	}
	return s, nil
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// schema lists every feature's DDL, in order. Statements must be idempotent
// (CREATE ... IF NOT EXISTS) since they run at every start.
func schema() []string {
	return slices.Concat(cwlogsDDL(), errorsDDL(), documentsDDL(), xrayGroupsDDL())
}
