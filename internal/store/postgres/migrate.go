package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"lookout/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one schema step: migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLock is the key of the transaction advisory lock each migration
// step takes, so that nodes starting together migrate one after the other.
const migrationLock int64 = 0x4c6f6f6b6f75744d // "LookoutM"

// migrations lists the embedded steps by version; versions start at 1 and
// have no gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", base)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d", m.name, m.version, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this build migrates to.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Migrate brings the schema up to this build's version: each missing
// migration runs in a transaction of its own that first takes a
// transaction advisory lock, so nodes starting together apply each step
// once, one after the other, even through a transaction-pooling proxy.
// The step and its row in schema_migrations commit together or not at
// all. Running it again is a no-op. A database migrated by a newer build
// is refused: every node must be upgraded before older ones restart.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return s.migrate(ctx, ms)
}

// migrate applies ms, the steps from version 1 on.
func (s *Store) migrate(ctx context.Context, ms []migration) error {
	for {
		done, err := s.migrateStep(ctx, ms)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the first migration the database lacks, if any, and
// reports whether none was left.
func (s *Store) migrateStep(ctx context.Context, ms []migration) (done bool, err error) {
	var applied migration
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		switch {
		case current > len(ms):
			return fmt.Errorf("the database schema is at version %d, newer than this build's %d: upgrade lookout", current, len(ms))
		case current == len(ms):
			done = true
			return nil
		}
		step := ms[current]
		// No arguments: the simple protocol runs every statement of the file.
		if _, err := tx.Exec(ctx, step.sql); err != nil {
			return fmt.Errorf("migration %s: %w", step.name, err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, step.version, step.name)
		applied = step
		return err
	})
	if err != nil {
		return false, fmt.Errorf("postgres: migrate: %w", err)
	}
	s.schemaMu.Lock()
	defer s.schemaMu.Unlock()
	if done {
		s.schema.Version = len(ms)
	} else {
		s.schema.Version = applied.version
		s.schema.Applied = append(s.schema.Applied, applied.name)
	}
	return done, nil
}

// Schema implements store.Migrated: the version, and the migrations this
// store's Migrate calls applied.
func (s *Store) Schema() store.SchemaState {
	s.schemaMu.Lock()
	defer s.schemaMu.Unlock()
	return store.SchemaState{Version: s.schema.Version, Applied: slices.Clone(s.schema.Applied)}
}
