// Package postgres is the metadata store of cluster mode: what metaduck
// keeps in a DuckDB file (log groups and streams, configuration documents,
// projects and access tokens, error items and occurrences, X-Ray groups), in
// PostgreSQL, shared by any number of Lookout nodes.
//
// Every write is one transaction, acknowledged once PostgreSQL has
// committed it (at least synchronous_commit = local: Open turns "off" back
// on for its connections). Several nodes may write at once: per-project
// item counters, the one item per fingerprint, occurrence UUIDs and
// document versions stay consistent through row locks, unique indexes and
// compare-and-swap updates, and the number of X-Ray groups per project
// through an advisory lock, never through process memory.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lookout/internal/store"
)

// Config locates the database.
type Config struct {
	// URL is a PostgreSQL connection string, e.g.
	// postgres://lookout:secret@db:5432/lookout (libpq URL or key=value form;
	// PG* environment variables fill what it leaves out).
	URL string
	// MaxConns bounds the node's connections; 0 leaves pgxpool's default
	// (the greater of 4 and the number of CPUs).
	MaxConns int32
	// MigrateTimeout bounds the wait for the schema lock and the
	// migrations at Open.
	MigrateTimeout time.Duration
}

// DefaultConfig has no URL: one must be given.
func DefaultConfig() Config {
	return Config{MigrateTimeout: 2 * time.Minute}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.URL == "":
		return errors.New("postgres: URL must be set")
	case c.MaxConns < 0:
		return fmt.Errorf("postgres: MaxConns %d is negative", c.MaxConns)
	case c.MigrateTimeout <= 0:
		return errors.New("postgres: MigrateTimeout must be positive")
	}
	if _, err := pgxpool.ParseConfig(c.URL); err != nil {
		return fmt.Errorf("postgres: URL: %w", err)
	}
	return nil
}

// Store is safe for concurrent use, by any number of processes at once.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Meta = (*Store)(nil)

// Open connects, checks the server answers, and brings the schema up to
// date (Migrate).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pc, _ := pgxpool.ParseConfig(cfg.URL) // checked by Validate
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	pc.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		// An acknowledged write must survive a crash of the server: keep any
		// stronger setting (remote_apply, ...), never "off".
		_, err := c.Exec(ctx, `SELECT set_config('synchronous_commit', 'on', false)
			WHERE current_setting('synchronous_commit') = 'off'`)
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool}
	mctx, cancel := context.WithTimeout(ctx, cfg.MigrateTimeout)
	defer cancel()
	if err := s.Migrate(mctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the node's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// SQLSTATE codes the store reacts to.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

func hasCode(err error, code string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == code
}

// inTx runs fn in a read-committed transaction and commits; it runs it
// again (up to 5 times) when PostgreSQL aborted it for a deadlock or a
// serialization failure, which a concurrent writer can cause.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if !hasCode(err, codeDeadlockDetected) && !hasCode(err, codeSerializationFailure) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
		}
	}
	return err
}

// notFound maps pgx.ErrNoRows to store.ErrNotFound, naming the object.
func notFound(err error, format string, args ...any) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf(format+": %w", append(args, store.ErrNotFound)...)
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
