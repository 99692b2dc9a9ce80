package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"lookout/internal/diskspace"
	"lookout/internal/store/duckfile"
)

// Failure handling, as in the telemetry store (package duckdb, recover.go),
// whose tests show the DuckDB 1.2.2 flaws it works around:
//
//   - After a COMMIT failed (a full disk), DuckDB's memory of the tables it
//     touched is wrong: the next row appended to a string column reads as
//     the failed rows' bytes run together, and is written so. So every
//     write is serialised, and after a write failed like that the database
//     is closed without a checkpoint and opened again from its files
//     before anything else runs on it.
//   - Once a database is opened with a WAL from before (after a kill, or a
//     reopen), the first COMMIT that fails truncates that WAL to nothing.
//     So such a WAL is checkpointed before the first write, and writes are
//     refused while the disk lacks the room to do it.
//
// Every method runs inside enter/leave (a read lock on gate); a reopen
// takes the write lock, so no connection of the old database instance is
// left when the new one is opened (DuckDB's instance cache would hand the
// old one back otherwise).

// ErrNoSpace is returned, wrapped, when a write is refused because the
// disk lacks the room to make it safely.
var ErrNoSpace = errors.New("not enough free disk space")

// errReopening refuses a write queued behind one that failed: the
// database must be reopened before the next write.
var errReopening = errors.New("metadata store is reopening after a failed write, retry")

// foldRoom is the free space asked for to fold a WAL of n bytes: the
// checkpoint writes the WAL's rows anew before the old blocks are freed.
func foldRoom(n int64) int64 { return n + n/2 + 4<<20 }

// openDB opens the database file and brings its schema up to date. It
// reports a file DuckDB cannot read as a *DamagedError.
func (s *Store) openDB(ctx context.Context) error {
	if _, err := os.Stat(s.path); err == nil {
		if err := duckfile.Check(s.path); err != nil {
			return s.damaged(err)
		}
	}
	db, err := sql.Open("duckdb", s.path)
	if duckfile.IsDamage(err) {
		return s.damaged(err) // the driver opens the file at once: its catalog is unreadable
	}
	if err != nil {
		return fmt.Errorf("metaduck: open %s: %w", s.path, err)
	}
	fail := func(err error) error {
		db.Close()
		if duckfile.IsDamage(err) {
			return s.damaged(err)
		}
		return err
	}
	for _, ddl := range schema() {
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			return fail(fmt.Errorf("metaduck: schema: %w\n%s", err, ddl))
		}
	}
	if err := checkBlocks(ctx, db, s.path); err != nil {
		return fail(err)
	}
	_, err = os.Stat(s.path + ".wal")
	s.db, s.walPending = db, err == nil
	return nil
}

// checkBlocks reports a file that ends before the last block its tables
// or metadata use: DuckDB opens it and fails only when a query reaches
// the missing block.
func checkBlocks(ctx context.Context, db *sql.DB, path string) error {
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()")
	if err != nil {
		return fmt.Errorf("metaduck: tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("metaduck: tables: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	q := "SELECT max(block_id) AS b FROM pragma_metadata_info()"
	for _, t := range tables {
		q += fmt.Sprintf(" UNION ALL SELECT max(block_id) FROM pragma_storage_info('%s') WHERE persistent", t)
	}
	var last sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT max(b) FROM ("+q+")").Scan(&last); err != nil {
		return fmt.Errorf("metaduck: blocks in use: %w", err)
	}
	if !last.Valid {
		return nil
	}
	return duckfile.CheckBlocks(path, last.Int64)
}

// enter registers an operation; call the returned leave when it is done.
// A database marked stale is reopened first.
func (s *Store) enter(ctx context.Context) (leave func(), err error) {
	if s.stale.Load() {
		if err := s.reopen(ctx); err != nil {
			return nil, err
		}
	}
	s.gate.RLock()
	if s.closed {
		s.gate.RUnlock()
		return nil, errClosed
	}
	return s.gate.RUnlock, nil
}

var errClosed = errors.New("metadata store is closed")

// reopen closes the database without a checkpoint and opens it again.
func (s *Store) reopen(ctx context.Context) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	if !s.stale.Load() || s.closed {
		return nil
	}
	if s.db != nil {
		_, _ = s.db.ExecContext(ctx, "PRAGMA disable_checkpoint_on_shutdown")
		_ = s.db.Close()
		s.db = nil
	}
	if err := s.openDB(ctx); err != nil {
		return fmt.Errorf("metaduck: reopen %s after a failed write: %w", s.path, err)
	}
	s.stale.Store(false)
	s.log.Warn("metadata store reopened after a failed write", "file", s.path)
	return nil
}

// write runs fn as the only write in progress. Before it, an old WAL is
// checkpointed; after it, a failure that leaves DuckDB's memory suspect
// marks the database for reopening.
func (s *Store) write(ctx context.Context, fn func() error) error {
	leave, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	s.writes.Lock()
	defer s.writes.Unlock()
	if s.stale.Load() {
		return errReopening
	}
	if err := s.foldWAL(ctx); err != nil {
		return err
	}
	err = fn()
	if suspect(err) {
		s.stale.Store(true)
		s.log.Error("metadata write failed; reopening the metadata store", "file", s.path, "err", err)
	}
	return err
}

// foldWAL checkpoints a WAL left from before the database was opened.
// The caller holds writes.
func (s *Store) foldWAL(ctx context.Context) error {
	if !s.walPending {
		return nil
	}
	fi, err := os.Stat(s.path + ".wal")
	if errors.Is(err, fs.ErrNotExist) {
		s.walPending = false
		return nil
	}
	if err != nil {
		return fmt.Errorf("metaduck: %w", err)
	}
	if u, err := diskspace.Stat(s.dir()); err == nil && u.Free < foldRoom(fi.Size()) {
		return fmt.Errorf("metaduck: %w: %d bytes free, the write-ahead log of %d bytes must first be checkpointed",
			ErrNoSpace, u.Free, fi.Size())
	}
	if _, err := s.db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		if suspect(err) {
			s.stale.Store(true)
		}
		return fmt.Errorf("metaduck: checkpoint: %w", err)
	}
	s.walPending = false
	return nil
}

// suspect reports whether a failed write may have left DuckDB's memory
// of the database wrong: a failed commit or rollback, a full disk, a
// database DuckDB gave up on, an unreadable file.
func suspect(err error) bool {
	if err == nil {
		return false
	}
	if duckfile.IsNoSpace(err) || duckfile.IsInvalidated(err) || duckfile.IsDamage(err) {
		return true
	}
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "failed to commit") || strings.Contains(m, "rollback")
}
