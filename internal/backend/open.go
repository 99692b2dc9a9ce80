package backend

import (
	"context"
	"errors"
	"fmt"

	"lookout/internal/store"
	"lookout/internal/store/clickhouse"
	"lookout/internal/store/duckdb"
	"lookout/internal/store/metaduck"
	"lookout/internal/store/postgres"
)

// Stores is an open pair of stores. Close closes both.
type Stores struct {
	Telemetry store.Store
	Meta      store.Meta
}

// Open validates cfg and opens both stores; on error nothing stays open.
func Open(ctx context.Context, cfg Config) (Stores, error) {
	if err := cfg.Validate(); err != nil {
		return Stores{}, err
	}
	st, err := OpenTelemetry(ctx, cfg)
	if err != nil {
		return Stores{}, err
	}
	meta, err := OpenMeta(ctx, cfg)
	if err != nil {
		_ = st.Close()
		return Stores{}, err
	}
	return Stores{Telemetry: st, Meta: meta}, nil
}

// Close closes the telemetry store, then the metadata store, and reports
// what failed of either.
func (s Stores) Close() error {
	var errs []error
	if s.Telemetry != nil {
		if err := s.Telemetry.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
	}
	if s.Meta != nil {
		if err := s.Meta.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close metadata store: %w", err))
		}
	}
	return errors.Join(errs...)
}

// OpenTelemetry opens the telemetry store that cfg.Store names.
func OpenTelemetry(ctx context.Context, cfg Config) (store.Store, error) {
	open, err := cfg.telemetry()
	if err != nil {
		return nil, err
	}
	st, err := open(ctx)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// OpenMeta opens the metadata store that cfg.Meta names.
func OpenMeta(ctx context.Context, cfg Config) (store.Meta, error) {
	open, err := cfg.metadata()
	if err != nil {
		return nil, err
	}
	meta, err := open(ctx)
	if err != nil {
		return nil, fmt.Errorf("open metadata store: %w", err)
	}
	return meta, nil
}

// opener opens one store.
type opener[T any] func(ctx context.Context) (T, error)

// telemetry picks the telemetry backend by the scheme of c.Store. A backend
// is added with its import and its case returning an opener around
// asStore(itspackage.Open(ctx, ...)).
func (c Config) telemetry() (opener[store.Store], error) {
	s, err := scheme("store", c.Store, c.DataDir)
	if err != nil {
		return nil, err
	}
	switch s {
	case embedded:
		d := c.duckDB()
		if err := d.Validate(); err != nil {
			return nil, err
		}
		return func(ctx context.Context) (store.Store, error) { return asStore(duckdb.Open(ctx, d)) }, nil
	case "clickhouse":
		ch := clickhouse.DefaultConfig()
		ch.URL = c.Store
		if err := ch.Validate(); err != nil {
			return nil, redactErr(err)
		}
		return func(ctx context.Context) (store.Store, error) { return asStore(clickhouse.Open(ctx, ch)) }, nil
	}
	return nil, fmt.Errorf("store: unknown backend %q: want duckdb or clickhouse://", s)
}

// metadata picks the metadata backend by the scheme of c.Meta, as
// telemetry does.
func (c Config) metadata() (opener[store.Meta], error) {
	s, err := scheme("meta", c.Meta, c.DataDir)
	if err != nil {
		return nil, err
	}
	switch s {
	case embedded:
		m := c.metaDuck()
		return func(ctx context.Context) (store.Meta, error) { return asMeta(metaduck.Open(ctx, m)) }, nil
	case "postgres", "postgresql":
		pg := postgres.DefaultConfig()
		pg.URL = c.Meta
		if err := pg.Validate(); err != nil {
			return nil, redactErr(err)
		}
		return func(ctx context.Context) (store.Meta, error) { return asMeta(postgres.Open(ctx, pg)) }, nil
	}
	return nil, fmt.Errorf("meta: unknown backend %q: want duckdb or postgres://", s)
}

// asStore hands a backend's concrete telemetry store on as the contract,
// and a failed open as a nil interface rather than one holding a nil
// pointer.
func asStore[S store.Store](s S, err error) (store.Store, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// asMeta is asStore for metadata stores.
func asMeta[S store.Meta](s S, err error) (store.Meta, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}
