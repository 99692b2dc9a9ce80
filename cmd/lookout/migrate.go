package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"lookout/internal/backend"
	"lookout/internal/migrate"
	"lookout/internal/store"
)

// runMigrate is `lookout migrate`: with --store and/or --meta it brings
// those stores' schemas up to date; with --from it copies a stopped
// lookout's data directory into the stores --to-store and --to-meta name.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storeURL := fs.String("store", os.Getenv("LOOKOUT_STORE"), "telemetry store whose schema to migrate, as lookout serve's --store (env LOOKOUT_STORE)")
	metaURL := fs.String("meta", os.Getenv("LOOKOUT_META"), "metadata store whose schema to migrate, as lookout serve's --meta (env LOOKOUT_META)")
	from := fs.String("from", "", "data directory of a stopped lookout on the embedded stores, to copy into --to-store and --to-meta")
	toStore := fs.String("to-store", "", "telemetry store to copy into, e.g. clickhouse://ch:9000/lookout")
	toMeta := fs.String("to-meta", "", "metadata store to copy into, e.g. postgres://lookout@db:5432/lookout")
	batch := fs.Int("batch", migrate.DefaultConfig().Batch, "most telemetry items per write")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage:
  lookout migrate --store URL --meta URL
      apply the schema migrations the stores lack, print them and exit
  lookout migrate --from DATA_DIR --to-store URL --to-meta URL
      copy a stopped lookout's embedded stores into others (a cluster);
      safe to run again: it copies only what the target lacks

flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	if *from == "" {
		if *toStore != "" || *toMeta != "" {
			return errors.New("migrate: --to-store and --to-meta go with --from")
		}
		if *storeURL == "" && *metaURL == "" {
			fs.Usage()
			return errors.New("migrate: give --store and --meta (or --from)")
		}
		return migrateSchemas(ctx, *storeURL, *metaURL, stdout)
	}
	if *toStore == "" || *toMeta == "" {
		return errors.New("migrate: --from needs --to-store and --to-meta")
	}
	cfg := migrate.DefaultConfig()
	cfg.Batch, cfg.Progress = *batch, stdout
	return copyDataDir(ctx, cfg, *from, *toStore, *toMeta, stdout)
}

// migrateSchemas opens each store named (opening applies its migrations)
// and says what was applied.
func migrateSchemas(ctx context.Context, storeURL, metaURL string, stdout io.Writer) error {
	cfg := backend.DefaultConfig()
	cfg.Store, cfg.Meta = storeURL, metaURL
	if err := cfg.Validate(); err != nil {
		return err
	}
	if storeURL == "duckdb" {
		printSchema(stdout, "store", storeURL, nil)
		storeURL = ""
	}
	if metaURL == "duckdb" {
		printSchema(stdout, "meta", metaURL, nil)
		metaURL = ""
	}
	if storeURL != "" {
		st, err := backend.OpenTelemetry(ctx, cfg)
		if err != nil {
			return err
		}
		printSchema(stdout, "store", storeURL, st)
		if err := st.Close(); err != nil {
			return err
		}
	}
	if metaURL != "" {
		meta, err := backend.OpenMeta(ctx, cfg)
		if err != nil {
			return err
		}
		printSchema(stdout, "meta", metaURL, meta)
		if err := meta.Close(); err != nil {
			return err
		}
	}
	return nil
}

// copyDataDir copies the embedded stores of dataDir into the two stores.
func copyDataDir(ctx context.Context, cfg migrate.Config, dataDir, toStore, toMeta string, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join(dataDir, "meta.duckdb")); err != nil {
		return fmt.Errorf("migrate: %s holds no lookout data: %w", dataDir, err)
	}
	src := backend.DefaultConfig()
	src.DataDir = dataDir
	from, err := backend.Open(ctx, src)
	if err != nil {
		return fmt.Errorf("migrate: open %s (is lookout still running on it?): %w", dataDir, err)
	}
	defer from.Close()
	dst := backend.DefaultConfig()
	dst.DataDir, dst.Store, dst.Meta = "", toStore, toMeta
	to, err := backend.Open(ctx, dst)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer to.Close()
	printSchema(stdout, "target store", toStore, to.Telemetry)
	printSchema(stdout, "target meta", toMeta, to.Meta)
	r, err := migrate.Copy(ctx, cfg, migrate.Stores{Telemetry: from.Telemetry, Meta: from.Meta},
		migrate.Stores{Telemetry: to.Telemetry, Meta: to.Meta})
	if err != nil {
		return fmt.Errorf("migrate: %w (running it again goes on from here)", err)
	}
	fmt.Fprintf(stdout, "copied %s into %s and %s in %s: %d partitions; %d spans, %d log events, %d metric points, %d error items, %d occurrences (%d telemetry items and %d occurrences were there already)\n",
		dataDir, describe(toStore), describe(toMeta), r.Elapsed.Round(1e6), r.Partitions, r.Spans.Copied, r.Logs.Copied,
		r.MetricPoints.Copied, r.Items.Copied, r.Occurrences.Copied, r.Spans.Skipped+r.Logs.Skipped+r.MetricPoints.Skipped,
		r.Occurrences.Skipped)
	return nil
}

// printSchema says where a store's schema stands after opening it.
func printSchema(w io.Writer, what, raw string, s any) {
	m, ok := s.(store.Migrated)
	if !ok {
		fmt.Fprintf(w, "%s %s: the embedded store makes its schema when lookout opens it (no numbered migrations)\n", what, describe(raw))
		return
	}
	st := m.Schema()
	if len(st.Applied) == 0 {
		fmt.Fprintf(w, "%s %s: schema at version %d, nothing to apply\n", what, describe(raw), st.Version)
		return
	}
	fmt.Fprintf(w, "%s %s: applied %s; schema at version %d\n", what, describe(raw), strings.Join(st.Applied, ", "), st.Version)
}

// describe names a store URL without its password.
func describe(raw string) string {
	if raw == "" || raw == "duckdb" {
		return "duckdb"
	}
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
		return u.Redacted()
	}
	return "(connection string)"
}
