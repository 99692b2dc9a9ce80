// Package clickhouse is the cluster telemetry store: spans, log events and
// metric points in ClickHouse over its native protocol, behind any number
// of stateless Lookout nodes. Open creates the database and brings its
// schema up to date (migrate.go); the schema is in migrations/.
//
// It stays within what ClickHouse 18.16 supports (no Map, DateTime64, TTL,
// LowCardinality, window functions or JSON functions) and is valid on
// current servers too: attributes are parallel arrays, times Int64
// nanoseconds, and every table is partitioned by UTC day so that expiry
// drops whole partitions (ALTER TABLE ... DROP PARTITION).
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/store"
)

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("clickhouse store closed")

// Store implements store.Store on ClickHouse. It is safe for concurrent use;
// it keeps no state of its own besides the connection pool, so any number
// of stores (nodes) may share one database.
type Store struct {
	cfg  Config
	db   string
	conn driver.Conn
	// insertSettings are sent with every INSERT (see syncInsertSettings).
	insertSettings ch.Settings
	version        uint32 // the schema version
	closed         atomic.Bool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database of cfg.URL, creating it when missing, and
// applies the schema migrations it lacks.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	db := cfg.database()
	if err := createDatabase(ctx, cfg, db); err != nil {
		return nil, err
	}
	opts, err := cfg.options(db)
	if err != nil {
		return nil, err
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse store %s: %w", redact(cfg.URL), err)
	}
	s := &Store{cfg: cfg, db: db, conn: conn}
	if err := s.init(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("clickhouse store %s: %w", redact(s.cfg.URL), err)
	}
	v, err := s.conn.ServerVersion()
	if err != nil {
		return fmt.Errorf("clickhouse store %s: server version: %w", redact(s.cfg.URL), err)
	}
	s.insertSettings = syncInsertSettings(v)
	if s.version, err = migrate(ctx, s.conn); err != nil {
		return fmt.Errorf("clickhouse store %s: %w", redact(s.cfg.URL), err)
	}
	return nil
}

// createDatabase creates db when it does not exist, through a connection
// to the user's default database (the client cannot connect to a database
// that does not exist). A user without the right to create databases can
// use one made for it.
func createDatabase(ctx context.Context, cfg Config, db string) error {
	opts, err := cfg.options("")
	if err != nil {
		return err
	}
	opts.MaxOpenConns, opts.MaxIdleConns = 1, 1
	conn, err := ch.Open(opts)
	if err != nil {
		return fmt.Errorf("clickhouse store %s: %w", redact(cfg.URL), err)
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM system.databases WHERE name = ?", db).Scan(&n); err != nil {
		return fmt.Errorf("clickhouse store %s: %w", redact(cfg.URL), err)
	}
	if n > 0 {
		return nil
	}
	// db matched databaseRE (Config.Validate): safe to splice.
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
		return fmt.Errorf("clickhouse store %s: create database: %w", redact(cfg.URL), err)
	}
	return nil
}

// syncInsertSettings makes sure an INSERT returns only once its rows are
// written to the table: servers from 21.11 on can buffer inserts
// (async_insert), which a user profile may turn on. Older servers know
// neither the setting nor the buffering.
func syncInsertSettings(v *driver.ServerVersion) ch.Settings {
	if v.Version.Major > 21 || v.Version.Major == 21 && v.Version.Minor >= 11 {
		return ch.Settings{"async_insert": 0}
	}
	return nil
}

// SchemaVersion is the version of the newest migration applied.
func (s *Store) SchemaVersion() uint32 { return s.version }

// Close closes the connection pool. Reads still streaming fail afterwards.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.conn.Close(); err != nil {
		return fmt.Errorf("clickhouse store %s: close: %w", redact(s.cfg.URL), err)
	}
	return nil
}

// check returns ErrClosed after Close.
func (s *Store) check() error {
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}
