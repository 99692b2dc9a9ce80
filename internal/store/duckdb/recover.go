package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"lookout/internal/diskspace"
	"lookout/internal/store"
	"lookout/internal/store/duckfile"
)

// Failure handling.
//
// A failed COMMIT (a full disk while DuckDB writes its WAL) leaves a
// partition's in-memory state wrong in DuckDB 1.2.2: DuckDB truncates the
// WAL back and reverts the rows it had merged into the tables, but the
// string columns keep the reverted rows' bytes, and the first row the
// next commit appends to that column reads as all of them run together
// (TestFullDiskLosesNothingAcknowledged). That row is then written to the
// WAL, and by the next checkpoint to the file: acknowledged and lost (its
// project, service and name are wrong). So after any failed write the
// partition is detached WITHOUT a checkpoint (its files then hold exactly
// the committed transactions) and attached again, which replays the WAL,
// before anything else is written to it.
//
// A second flaw of DuckDB 1.2.2: once a database is attached with a WAL
// left from before (after a kill, a reopen or a restart), the first
// COMMIT that fails truncates that WAL to nothing instead of back to its
// size, and every transaction it held since the last checkpoint is gone
// (TestFullDiskLosesNothingAcknowledged, after a crash). So a partition
// attached with a WAL is checkpointed (its WAL folded into the file and
// deleted) before it is written to; while the disk lacks the room for
// that, writes to it are refused.
//
// A partition file that DuckDB cannot read (truncated, overwritten) is set
// aside: renamed to <name>.duckdb.damaged-<time>, kept, reported by
// DamagedFiles and logged, and the store carries on without it; a write to
// its day starts a new file. When DuckDB gives up on the whole database
// instance (a FATAL error), the store restarts it: every partition is
// detached and attached again on a new instance.

// attachOrSetAside attaches an existing (or new) partition file; a file
// that is damaged is set aside instead, and the day is left without a
// partition until a write creates a new one. The caller holds wmu or is
// opening the store.
func (s *Store) attachOrSetAside(ctx context.Context, name string) error {
	p, err := s.newPart(name)
	if err != nil {
		return err
	}
	err = duckfile.Check(p.path)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		err = s.attach(ctx, name)
	}
	if !duckfile.IsDamage(err) {
		return err
	}
	return s.setAside(p, err)
}

// checkBlocks reports a partition file that ends before the last block
// its tables or metadata use: DuckDB attaches such a file and fails only
// when a query reaches the missing block.
func (s *Store) checkBlocks(ctx context.Context, p *part) error {
	tables, err := s.tablesOf(ctx, p)
	if err != nil {
		return err
	}
	q := "SELECT max(block_id) AS b FROM pragma_metadata_info('" + p.catalog + "')"
	for _, t := range slices.Sorted(maps.Keys(tables)) {
		q += fmt.Sprintf(" UNION ALL SELECT max(block_id) FROM pragma_storage_info('%s.main.%s') WHERE persistent", p.catalog, t)
	}
	var last sql.NullInt64
	if err := s.wconn.QueryRowContext(ctx, "SELECT max(b) FROM ("+q+")").Scan(&last); err != nil {
		return fmt.Errorf("blocks in use: %w", err)
	}
	if !last.Valid {
		return nil
	}
	return duckfile.CheckBlocks(p.path, last.Int64)
}

// setAside renames a detached partition's files out of the way and
// records why.
func (s *Store) setAside(p *part, reason error) error {
	to, err := duckfile.SetAside(p.path, s.now())
	if err != nil {
		return fmt.Errorf("partition %s is damaged (%v) and could not be set aside: %w", p.name, reason, err)
	}
	d := store.DamagedFile{Path: p.path, MovedTo: to, Reason: reason.Error(), At: s.now().UTC()}
	s.mu.Lock()
	s.damaged = append(s.damaged, d)
	delete(s.unattached, p.name)
	s.mu.Unlock()
	s.log.Error("damaged partition file set aside; its day is served without it",
		"partition", p.name, "file", p.path, "moved_to", to, "reason", reason.Error())
	return nil
}

// DamagedFiles implements store.DamageReporter: the partition files set
// aside since Open.
func (s *Store) DamagedFiles() []store.DamagedFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.damaged)
}

// detach detaches a partition without checkpointing it: whatever DuckDB
// holds in memory for it is dropped, its files keep what was committed.
func (s *Store) detach(ctx context.Context, catalog string) error {
	err := s.exec(ctx, "PRAGMA disable_checkpoint_on_shutdown", "DETACH "+catalog)
	if rerr := s.exec(context.WithoutCancel(ctx), "PRAGMA enable_checkpoint_on_shutdown"); err == nil {
		err = rerr
	}
	return err
}

// recoverPart brings a partition back to its committed state after a
// failed write (cause): detached without checkpoint and attached again,
// or set aside when cause says its file is damaged, or, when DuckDB gave
// up on the instance, a restart of the whole database. Reads wait
// meanwhile, so that none misses the partition. The caller holds wmu.
func (s *Store) recoverPart(ctx context.Context, p *part, cause error) error {
	ctx = context.WithoutCancel(ctx) // half done, the store would be worse off
	resume := s.pauseReads()
	defer resume()
	var damaged *part
	if duckfile.IsDamage(cause) {
		damaged = p
	}
	if duckfile.IsInvalidated(cause) {
		return s.restartPaused(ctx, cause, damaged)
	}
	s.mu.Lock()
	delete(s.parts, p.name)
	s.mu.Unlock()
	if err := s.detach(ctx, p.catalog); err != nil {
		return s.restartPaused(ctx, err, damaged)
	}
	if damaged != nil {
		if err := s.setAside(p, cause); err != nil {
			return errors.Join(err, s.rebuildViews(ctx))
		}
		return s.rebuildViews(ctx)
	}
	if err := s.attachOrSetAside(ctx, p.name); err != nil {
		s.mu.Lock()
		s.unattached[p.name] = true
		s.mu.Unlock()
		s.log.Error("partition could not be attached again after a failed write; retrying with the next write",
			"partition", p.name, "err", err)
		return errors.Join(err, s.rebuildViews(ctx))
	}
	s.log.Warn("partition reopened after a failed write", "partition", p.name, "cause", cause.Error())
	s.mu.Lock()
	_, back := s.parts[p.name]
	s.mu.Unlock()
	if !back { // set aside on the way
		return s.rebuildViews(ctx)
	}
	return nil
}

// pauseReads makes new reads wait and waits for the running ones; resume
// lets reads in again. The caller holds wmu.
func (s *Store) pauseReads() (resume func()) {
	s.mu.Lock()
	done := make(chan struct{})
	prev := s.restarting
	s.restarting = done
	old := s.gen
	s.gen = &generation{}
	s.mu.Unlock()
	old.readers.Wait()
	return func() {
		s.mu.Lock()
		s.restarting = prev
		s.mu.Unlock()
		close(done)
	}
}

// ErrNoSpace is returned, wrapped, when a write is refused because the
// disk lacks the room to make it safely.
var ErrNoSpace = errors.New("not enough free disk space")

// foldRoom is the free space asked for to fold a WAL of n bytes: the
// checkpoint writes the WAL's rows anew before the old blocks are freed.
func foldRoom(n int64) int64 { return n + n/2 + 4<<20 }

// foldWAL checkpoints a partition attached with an old WAL, so that a
// failed commit cannot truncate it. The caller holds wmu.
func (s *Store) foldWAL(ctx context.Context, p *part) error {
	if !p.walPending {
		return nil
	}
	fi, err := os.Stat(p.path + ".wal")
	if errors.Is(err, fs.ErrNotExist) {
		p.walPending = false
		return nil
	}
	if err != nil {
		return fmt.Errorf("partition %s: %w", p.name, err)
	}
	if u, err := diskspace.Stat(s.partsDir); err == nil && u.Free < foldRoom(fi.Size()) {
		return fmt.Errorf("partition %s: %w: %d bytes free, its write-ahead log of %d bytes must first be checkpointed",
			p.name, ErrNoSpace, u.Free, fi.Size())
	}
	if err := s.exec(ctx, "CHECKPOINT "+p.catalog); err != nil {
		err = fmt.Errorf("partition %s: checkpoint: %w", p.name, err)
		if duckfile.IsInvalidated(err) {
			return errors.Join(err, s.restart(context.WithoutCancel(ctx), err, nil))
		}
		return err
	}
	p.walPending = false
	return nil
}

// reattach retries the partitions whose reopen failed. The caller holds
// wmu.
func (s *Store) reattach(ctx context.Context) error {
	s.mu.Lock()
	names := make([]string, 0, len(s.unattached))
	for name := range s.unattached {
		names = append(names, name)
	}
	s.mu.Unlock()
	if len(names) == 0 {
		return nil
	}
	for _, name := range names {
		if err := s.attachOrSetAside(ctx, name); err != nil {
			return err
		}
	}
	return s.rebuildViews(ctx)
}

// restart closes the database instance, without checkpoints when DuckDB
// still takes commands, sets the damaged partition aside if there is one,
// and opens a new instance on every partition file: what a restart of the
// process would do. Reads wait meanwhile. When the new instance cannot be
// opened, the store is down (reads fail, each write tries again). The
// caller holds wmu.
func (s *Store) restart(ctx context.Context, cause error, damaged *part) error {
	resume := s.pauseReads()
	defer resume()
	return s.restartPaused(ctx, cause, damaged)
}

// restartPaused is restart with reads already paused.
func (s *Store) restartPaused(ctx context.Context, cause error, damaged *part) error {
	s.log.Error("restarting the embedded database after a failure", "cause", cause.Error())
	if s.down == nil {
		// Refused by an instance DuckDB gave up on, which does not
		// checkpoint anyway.
		_ = s.exec(ctx, "PRAGMA disable_checkpoint_on_shutdown")
		_ = s.closeDB()
	}
	s.mu.Lock()
	s.parts = map[string]*part{}
	s.mu.Unlock()
	if damaged != nil {
		if err := s.setAside(damaged, cause); err != nil {
			return s.fail(err)
		}
	}
	if err := s.open(ctx); err != nil {
		return s.fail(fmt.Errorf("restart after %v: %w", cause, err))
	}
	s.mu.Lock()
	s.down = nil
	s.mu.Unlock()
	return nil
}

// fail marks the store down after a restart that did not succeed.
func (s *Store) fail(err error) error {
	s.mu.Lock()
	s.down = err
	s.mu.Unlock()
	return err
}

// revive restarts a store that is down; the caller holds wmu.
func (s *Store) revive(ctx context.Context) error {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down == nil {
		return nil
	}
	return s.restart(ctx, down, nil)
}
