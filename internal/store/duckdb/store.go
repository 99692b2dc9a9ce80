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
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	duckdb "github.com/marcboeker/go-duckdb/v2"

	"lookout/internal/store"
)

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("duckdb store closed")

// Store implements store.Store. It is safe for concurrent use: writes are
// serialised, reads run in parallel on a connection pool.
type Store struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
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
	// restarting is closed when a restart of the database (recover.go)
	// ends; new reads wait for it.
	restarting chan struct{}
	// damaged lists the partition files set aside (recover.go).
	damaged []store.DamagedFile
	// unattached names partitions whose reopen failed; writes retry them.
	unattached map[string]bool
	// down is why the database could not be restarted (recover.go); the
	// database is closed meanwhile and each write tries again.
	down error

	// failCommit, when set (tests), is asked before each partition
	// COMMIT; an error it returns fails the commit as DuckDB's would.
	failCommit func(partition string) error
}

type generation struct{ readers sync.WaitGroup }

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the store in cfg.Dir and attaches every
// partition file found there.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, log: cfg.Logger, now: time.Now, partsDir: filepath.Join(cfg.Dir, "parts"),
		parts: map[string]*part{}, keys: keyMap{}, gen: &generation{}, unattached: map[string]bool{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, d := range []string{s.partsDir, filepath.Join(cfg.Dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("duckdb store: %w", err)
		}
	}
	if err := s.open(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// open starts a database instance on a new catalog and attaches every
// partition file found, setting damaged ones aside. On error nothing is
// left open.
func (s *Store) open(ctx context.Context) error {
	for _, f := range []string{s.cfg.catalogPath(), s.cfg.catalogPath() + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("duckdb store: %w", err)
		}
	}
	conn, err := duckdb.NewConnector(s.cfg.dsn(), nil)
	if err != nil {
		return fmt.Errorf("duckdb store %s: open: %w", s.cfg.Dir, err)
	}
	s.db = sql.OpenDB(conn)
	s.db.SetMaxOpenConns(s.cfg.ReadConns + 1)
	s.db.SetMaxIdleConns(s.cfg.ReadConns + 1)
	if err := s.init(ctx); err != nil {
		s.closeDB()
		return err
	}
	return nil
}

// closeDB closes the connections and the database instance.
func (s *Store) closeDB() error {
	if s.raw != nil {
		s.raw.close()
		s.raw = nil
	}
	var err error
	if s.wconn != nil {
		err = s.wconn.Close()
		s.wconn = nil
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	return err
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
		if err := s.attachOrSetAside(ctx, name); err != nil {
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
	down := s.down
	s.mu.Unlock()
	if down != nil {
		return nil // closed when it went down
	}
	if err := s.closeDB(); err != nil {
		return fmt.Errorf("duckdb store %s: close: %w", s.cfg.Dir, err)
	}
	return nil
}

// acquire registers a read on the current generation; call release when the
// read no longer touches the database.
func (s *Store) acquire() (release func(), err error) {
	s.mu.Lock()
	for s.restarting != nil && !s.closed {
		ch := s.restarting
		s.mu.Unlock()
		<-ch
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.down != nil {
		return nil, fmt.Errorf("duckdb store %s is down: %w", s.cfg.Dir, s.down)
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
