// Package backend opens the pair of stores a Lookout runs on, the telemetry
// store (store.Store) and the metadata store (store.Meta), from two URLs.
// It is the one place that knows the backends' packages: everything above
// it sees only the store contract.
package backend

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"lookout/internal/store/duckdb"
	"lookout/internal/store/metaduck"
)

// Config names the two stores. The zero URLs mean the embedded stores in
// DataDir, which is what a single box wants.
type Config struct {
	// DataDir holds the embedded stores: the telemetry store in
	// DataDir/store, the metadata in DataDir/meta.duckdb.
	DataDir string
	// Store is the telemetry backend: "" or "duckdb" for the embedded DuckDB
	// store, "clickhouse://HOST:PORT/DB" for ClickHouse.
	Store string
	// Meta is the metadata backend: "" or "duckdb" for the embedded
	// DataDir/meta.duckdb, "postgres://USER@HOST:PORT/DB" (or postgresql://)
	// for PostgreSQL.
	Meta string
	// DuckDB tunes the embedded telemetry store; it applies only when Store
	// names it. Its Dir is always DataDir/store.
	DuckDB duckdb.Config
	// Logger receives what the embedded stores do on their own (damaged
	// files set aside, reopens after a failed write); nil: slog.Default().
	Logger *slog.Logger
}

// DefaultConfig opens the embedded stores in ./lookout-data.
func DefaultConfig() Config {
	return Config{DataDir: "lookout-data", DuckDB: duckdb.DefaultConfig()}
}

// Validate reports the first invalid setting, including a backend this
// binary was built without, so that a wrong URL stops the program before it
// opens anything.
func (c Config) Validate() error {
	if _, err := c.telemetry(); err != nil {
		return err
	}
	_, err := c.metadata()
	return err
}

// embeddedDir is where the embedded telemetry store keeps its files.
func (c Config) embeddedDir() string { return filepath.Join(c.DataDir, "store") }

// duckDB is the embedded telemetry store's configuration.
func (c Config) duckDB() duckdb.Config {
	d := c.DuckDB
	d.Dir = c.embeddedDir()
	if d.Logger == nil {
		d.Logger = c.Logger
	}
	return d
}

// metaDuck is the embedded metadata store's configuration.
func (c Config) metaDuck() metaduck.Config {
	return metaduck.Config{Path: filepath.Join(c.DataDir, "meta.duckdb"), Logger: c.Logger}
}

// UsesDataDir reports whether either store keeps its files in DataDir.
func (c Config) UsesDataDir() bool { return c.StoreInDataDir() || c.MetaInDataDir() }

// StoreInDataDir reports whether the telemetry is the embedded store in
// DataDir/store.
func (c Config) StoreInDataDir() bool {
	s, err := scheme("store", c.Store, c.DataDir)
	return err == nil && s == embedded
}

// MetaInDataDir reports whether the metadata is the embedded store in
// DataDir/meta.duckdb.
func (c Config) MetaInDataDir() bool {
	s, err := scheme("meta", c.Meta, c.DataDir)
	return err == nil && s == embedded
}

// embedded is the scheme of the embedded stores; "" means it too.
const embedded = "duckdb"

// scheme parses a backend URL and returns its scheme: "duckdb" for "" and
// "duckdb", else the URL's scheme in lower case, which must come with a
// host; the embedded stores need dataDir. flag names the setting in
// errors; passwords never show in them.
func scheme(flag, raw, dataDir string) (string, error) {
	if raw == "" || raw == embedded {
		if dataDir == "" {
			return "", fmt.Errorf("%s: the embedded store needs a data directory", flag)
		}
		return embedded, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, redactErr(err))
	}
	if u.Scheme == "" {
		return "", fmt.Errorf("%s %q: want duckdb or a URL such as %s", flag, u.Redacted(), example(flag))
	}
	if u.Host == "" {
		return "", fmt.Errorf("%s %q: the URL names no host, e.g. %s", flag, u.Redacted(), example(flag))
	}
	return strings.ToLower(u.Scheme), nil
}

// example is a valid URL for the setting, for error messages.
func example(flag string) string {
	if flag == "meta" {
		return "postgres://lookout@db:5432/lookout"
	}
	return "clickhouse://ch:9000/lookout"
}

// redactErr drops the URL, which may hold a password, from a parse error.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("invalid URL: %w", ue.Err)
	}
	return err
}
