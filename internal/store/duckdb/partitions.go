package duckdb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"lookout/internal/store"
	"lookout/internal/store/duckfile"
)

// part is one attached partition file: the data of one UTC day.
type part struct {
	name    string // YYYYMMDD
	catalog string // pYYYYMMDD, the ATTACH alias
	path    string
	day     time.Time
	// wal is the WAL file last made durable in the directory (see syncWAL).
	wal os.FileInfo
	// walPending is set while the partition has a WAL from before it was
	// attached: it must be checkpointed before it is written (foldWAL).
	// Guarded by wmu.
	walPending bool
	// keys are the attribute keys saved in the partition (keys.go); guarded
	// by Store.mu.
	keys keyMap
	// traceTail and traceSorted count the rows of the trace index's tail and
	// sorted run; sortingTraces is set while a merge is pending
	// (traceindex.go). Guarded by wmu.
	traceTail, traceSorted int64
	sortingTraces          bool
}

const dayLayout = "20060102"

var (
	partNameRE = regexp.MustCompile(`^[0-9]{8}$`)
	catalogRE  = regexp.MustCompile(`^p[0-9]{8}$`)
)

// partName returns the partition of a timestamp: its UTC day.
func partName(unixNano int64) string {
	return time.Unix(0, unixNano).UTC().Format(dayLayout)
}

func (s *Store) newPart(name string) (*part, error) {
	day, err := time.ParseInLocation(dayLayout, name, time.UTC)
	if err != nil || !partNameRE.MatchString(name) {
		return nil, fmt.Errorf("partition %q: want YYYYMMDD: %w", name, store.ErrNotFound)
	}
	return &part{name: name, catalog: "p" + name, path: filepath.Join(s.partsDir, name+".duckdb"), day: day}, nil
}

// listPartFiles returns the partition names found on disk, oldest first.
func (s *Store) listPartFiles() ([]string, error) {
	ents, err := os.ReadDir(s.partsDir)
	if err != nil {
		return nil, fmt.Errorf("partitions in %s: %w", s.partsDir, err)
	}
	var names []string
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".duckdb")
		if ok && e.Type().IsRegular() && partNameRE.MatchString(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// attach attaches (creating) the partition file and its tables. The caller
// holds wmu (or is Open) and rebuilds the views afterwards. On error the
// partition is left detached, and a file this call created is removed.
func (s *Store) attach(ctx context.Context, name string) error {
	p, err := s.newPart(name)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(p.path)
	created := errors.Is(statErr, fs.ErrNotExist)
	if err := s.attachPart(ctx, p); err != nil {
		if created {
			for _, f := range []string{p.path, p.path + ".wal"} {
				_ = os.Remove(f)
			}
		}
		return fmt.Errorf("partition %s: %w", name, err)
	}
	s.mu.Lock()
	s.parts[name] = p
	delete(s.unattached, name)
	for tbl, keys := range p.keys {
		for key, in := range keys {
			addKey(s.keys, tbl, key, in)
		}
	}
	s.mu.Unlock()
	return nil
}

func (s *Store) attachPart(ctx context.Context, p *part) (err error) {
	// The path comes from the configured directory and a generated name,
	// never from a request; ATTACH takes no bound parameters.
	q := fmt.Sprintf("ATTACH '%s' AS %s", strings.ReplaceAll(p.path, "'", "''"), p.catalog)
	if err := s.exec(ctx, q); err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	if _, err := os.Stat(p.path + ".wal"); err == nil {
		p.walPending = true
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.detach(ctx, p.catalog))
		}
	}()
	if err := s.checkBlocks(ctx, p); err != nil {
		return err
	}
	if p.keys, err = s.loadKeys(ctx, p); err != nil {
		return err
	}
	if err := s.ensureTraceIndex(ctx, p); err != nil {
		return fmt.Errorf("trace index: %w", err)
	}
	if err := s.exec(ctx, createTables(p.catalog)...); err != nil {
		return fmt.Errorf("create tables: %w", err)
	}
	return nil
}

// ensurePart returns the partition, attaching a new file when needed. The
// caller holds wmu.
func (s *Store) ensurePart(ctx context.Context, name string) (*part, error) {
	s.mu.Lock()
	p := s.parts[name]
	s.mu.Unlock()
	if p != nil {
		return p, nil
	}
	if err := s.attachOrSetAside(ctx, name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	p = s.parts[name]
	s.mu.Unlock()
	if p == nil { // its file was set aside as damaged: a new one
		if err := s.attach(ctx, name); err != nil {
			return nil, err
		}
	}
	if err := syncDir(s.partsDir); err != nil {
		return nil, err
	}
	if err := s.rebuildViews(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.parts[name], nil
}

// rebuildViews points all_spans and all_logs at the attached partitions. The
// caller holds wmu.
func (s *Store) rebuildViews(ctx context.Context) error {
	s.mu.Lock()
	catalogs := make([]string, 0, len(s.parts))
	for _, p := range s.sortedParts() {
		catalogs = append(catalogs, p.catalog)
	}
	s.mu.Unlock()
	if err := s.exec(ctx, viewStatements(catalogs)...); err != nil {
		return fmt.Errorf("rebuild views: %w", err)
	}
	return nil
}

// partsIn returns the catalogs of the partitions holding data of [start,
// end), oldest first. Call it after acquire: a partition listed then stays
// attached until the release.
func (s *Store) partsIn(start, end time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []string
	for _, p := range s.sortedParts() {
		if p.day.Before(end) && p.day.Add(24*time.Hour).After(start) {
			cs = append(cs, p.catalog)
		}
	}
	return cs
}

// sortedParts returns the partitions oldest first; the caller holds mu.
func (s *Store) sortedParts() []*part {
	ps := make([]*part, 0, len(s.parts))
	for _, p := range s.parts {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *part) int { return strings.Compare(a.name, b.name) })
	return ps
}

// Partitions lists the day partitions, oldest first. Bytes is the size of the
// database file plus its write-ahead log.
func (s *Store) Partitions(ctx context.Context) ([]store.Partition, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	ps := s.sortedParts()
	s.mu.Unlock()
	out := make([]store.Partition, 0, len(ps))
	for _, p := range ps {
		out = append(out, store.Partition{Name: p.name, Start: p.day, End: p.day.AddDate(0, 0, 1), Bytes: p.size()})
	}
	return out, nil
}

func (p *part) size() int64 { return duckfile.Size(p.path) }

// DropPartition removes the partition from the views, waits for the queries
// already running to finish, detaches it and deletes its files. Writes wait
// meanwhile. Unknown names give store.ErrNotFound. Do not call it while
// iterating the result of Logs, which would wait for itself.
func (s *Store) DropPartition(ctx context.Context, name string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	p := s.parts[name]
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("partition %q: %w", name, store.ErrNotFound)
	}
	if err := s.unregister(ctx, p); err != nil {
		return fmt.Errorf("partition %s: drop: %w", name, err)
	}
	if err := s.exec(ctx, "DETACH "+p.catalog); err != nil {
		return fmt.Errorf("partition %s: detach: %w", name, err)
	}
	for _, f := range []string{p.path, p.path + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("partition %s: %w", name, err)
		}
	}
	return syncDir(s.partsDir)
}

// unregister takes the partition out of the store and the views and waits
// for the queries that may read it, so that it can be detached. The caller
// holds wmu.
func (s *Store) unregister(ctx context.Context, p *part) error {
	s.mu.Lock()
	delete(s.parts, p.name)
	s.mu.Unlock()
	if err := s.rebuildViews(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	old := s.gen
	s.gen = &generation{}
	s.mu.Unlock()
	old.readers.Wait()
	return nil
}

// syncWAL makes the partition's WAL file's directory entry durable when the
// file is new. DuckDB fsyncs the WAL's content on every commit but not the
// directory, and it deletes and recreates the WAL around checkpoints.
func (s *Store) syncWAL(p *part) error {
	fi, err := os.Stat(p.path + ".wal")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // checkpointed into the database file
		}
		return fmt.Errorf("partition %s: %w", p.name, err)
	}
	if p.wal != nil && os.SameFile(p.wal, fi) {
		return nil
	}
	if err := syncDir(s.partsDir); err != nil {
		return err
	}
	p.wal = fi
	return nil
}

func syncDir(dir string) error { return duckfile.SyncDir(dir) }
