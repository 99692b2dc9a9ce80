// Package duckdb is the embedded store: DuckDB through go-duckdb, one database
// file per UTC day attached to an in-memory main database.
//
// Layout: <Dir>/parts/YYYYMMDD.duckdb (+ .wal). A span belongs to the day of
// its start, a log event to the day of its time. Queries read the views
// all_spans and all_logs, a UNION ALL over every attached partition, rebuilt
// whenever a partition is attached or dropped. Dropping a partition detaches
// it and deletes its files, so retention really gives disk back.
package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	duckdb "github.com/marcboeker/go-duckdb/v2"

	"lookout/internal/store"
)

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("duckdb store closed")

// Store implements store.Store. It is safe for concurrent use: writes are
// serialised, reads run in parallel on a connection pool.
type Store struct {
	cfg      Config
	partsDir string
	db       *sql.DB   // read pool; also the writer's connection
	wconn    *sql.Conn // the writer connection for DDL and deletes
	raw      *rawConn  // the writer connection for appends (write_conn.go)

	// wmu serialises Write, partition attach and DropPartition.
	wmu sync.Mutex

	// mu guards the fields below. A read takes a reference on the current
	// generation; DropPartition starts a new generation without the
	// partition and waits for the old one to drain before detaching it, so a
	// running query never loses a partition it reads, and new reads never wait.
	mu     sync.Mutex
	parts  map[string]*part
	keys   keyMap // attribute keys of every partition (keys.go)
	gen    *generation
	closed bool
}

type generation struct{ readers sync.WaitGroup }

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store in cfg.Dir and attaches every
// partition file found there.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, partsDir: filepath.Join(cfg.Dir, "parts"), parts: map[string]*part{}, keys: keyMap{}, gen: &generation{}}
	for _, d := range []string{s.partsDir, filepath.Join(cfg.Dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("duckdb store: %w", err)
		}
	}
	for _, f := range []string{cfg.catalogPath(), cfg.catalogPath() + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("duckdb store: %w", err)
		}
	}
	conn, err := duckdb.NewConnector(cfg.dsn(), nil)
	if err != nil {
		return nil, fmt.Errorf("duckdb store %s: open: %w", cfg.Dir, err)
	}
	s.db = sql.OpenDB(conn)
	s.db.SetMaxOpenConns(cfg.ReadConns + 1)
	s.db.SetMaxIdleConns(cfg.ReadConns + 1)
	if err := s.init(ctx); err != nil {
		if s.raw != nil {
			s.raw.close()
		}
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	var err error
	if s.wconn, err = s.db.Conn(ctx); err != nil {
		return fmt.Errorf("duckdb store %s: writer connection: %w", s.cfg.Dir, err)
	}
	if s.raw, err = openRawConn(s.cfg.dsn()); err != nil {
		return fmt.Errorf("duckdb store %s: append connection: %w", s.cfg.Dir, err)
	}
	if err := s.exec(ctx, createMain()...); err != nil {
		return err
	}
	names, err := s.listPartFiles()
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := s.attach(ctx, name); err != nil {
			return err
		}
	}
	return s.rebuildViews(ctx)
}

// Close releases the database. Reads still streaming fail afterwards.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.raw.close()
	err := s.wconn.Close()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("duckdb store %s: close: %w", s.cfg.Dir, err)
	}
	return nil
}

// acquire registers a read on the current generation; call release when the
// read no longer touches the database.
func (s *Store) acquire() (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	g := s.gen
	g.readers.Add(1)
	var once sync.Once
	return func() { once.Do(g.readers.Done) }, nil
}

// exec runs statements on the writer connection.
func (s *Store) exec(ctx context.Context, stmts ...string) error {
	for _, q := range stmts {
		if _, err := s.wconn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("duckdb store %s: %w", s.cfg.Dir, err)
		}
	}
	return nil
}
