package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestMigrateConcurrently: nodes starting at once on an empty database
// all open; each migration is applied once; opening again changes
// nothing.
func TestMigrateConcurrently(t *testing.T) {
	url := cluster.Schema(t)
	const n = 4
	var wg sync.WaitGroup
	stores := make([]*Store, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := DefaultConfig()
			cfg.URL, cfg.MaxConns = url, 2
			stores[i], errs[i] = Open(context.Background(), cfg)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ctx := context.Background()
	applied := func() []int {
		rows, err := stores[0].pool.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	want := SchemaVersion()
	if vs := applied(); len(vs) != want || vs[len(vs)-1] != want {
		t.Fatalf("applied %v, want 1..%d once each", vs, want)
	}
	if err := stores[1].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if vs := applied(); len(vs) != want {
		t.Errorf("after a second Migrate: %v", vs)
	}
	if p, err := stores[2].Project(ctx, "default"); err != nil || p.ID != 1 {
		t.Errorf("default project: %+v, %v", p, err)
	}
}

// TestMigrateRefusesNewerSchema: a database a newer build migrated is not
// touched by this one.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	s, url := openTest(t)
	ctx := context.Background()
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.URL = url
	s2, err := Open(ctx, cfg)
	if err == nil {
		s2.Close()
		t.Fatal("opened a database with a newer schema")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error %q does not say the schema is newer", err)
	}
}

// TestFailedMigrationLeavesNothing: the migrations before a failing one
// stay applied; the failing one is rolled back whole and not recorded; the
// lock is released; a fixed build then applies it.
func TestFailedMigrationLeavesNothing(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cluster.Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{pool: pool}
	defer s.Close()
	good := migration{1, "0001_one", `CREATE TABLE one (x int); INSERT INTO one VALUES (1)`}
	bad := migration{2, "0002_two", `CREATE TABLE two (x int); SELECT 1/0`}
	err = s.migrate(ctx, []migration{good, bad})
	if err == nil || !strings.Contains(err.Error(), "0002_two") {
		t.Fatalf("migrate: %v, want an error naming 0002_two", err)
	}
	exists := func(table string) bool {
		var ok bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !exists("one") || exists("two") {
		t.Errorf("after the failure: table one %v, table two %v; want true, false", exists("one"), exists("two"))
	}
	fixed := migration{2, "0002_two", `CREATE TABLE two (x int)`}
	if err := s.migrate(ctx, []migration{good, fixed}); err != nil {
		t.Fatalf("migrate after the fix (the lock must be free): %v", err)
	}
	var versions, rows int
	if err := pool.QueryRow(ctx, `SELECT count(*), (SELECT count(*) FROM one) FROM schema_migrations`).Scan(&versions, &rows); err != nil {
		t.Fatal(err)
	}
	if versions != 2 || rows != 1 || !exists("two") {
		t.Errorf("after the fix: %d versions, %d rows in one, table two %v; want 2, 1 (applied once), true", versions, rows, exists("two"))
	}
}

// TestSynchronousCommitStaysOn: a database configured with
// synchronous_commit = off does not weaken the store's acknowledgements.
func TestSynchronousCommitStaysOn(t *testing.T) {
	url := cluster.Database(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	name := conn.Config().Database
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{name}.Sanitize()+` SET synchronous_commit = off`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	s := openURL(t, url)
	defer s.Close()
	var setting string
	if err := s.pool.QueryRow(ctx, `SHOW synchronous_commit`).Scan(&setting); err != nil || setting != "on" {
		t.Errorf("synchronous_commit %q (%v), want on", setting, err)
	}
}

// TestConfigValidate lists the configurations Open refuses.
func TestConfigValidate(t *testing.T) {
	with := func(edit func(*Config)) Config {
		c := DefaultConfig()
		c.URL = "postgres://lookout@db:5432/lookout"
		edit(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"valid", with(func(*Config) {}), true},
		{"key=value form", with(func(c *Config) { c.URL = "host=db dbname=lookout" }), true},
		{"no URL", with(func(c *Config) { c.URL = "" }), false},
		{"bad URL", with(func(c *Config) { c.URL = "postgres://db:notaport/x" }), false},
		{"negative MaxConns", with(func(c *Config) { c.MaxConns = -1 }), false},
		{"no MigrateTimeout", with(func(c *Config) { c.MigrateTimeout = 0 }), false},
	}
	for _, c := range cases {
		if err := c.cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := Open(context.Background(), Config{}); err == nil {
		t.Error("Open accepted an empty Config")
	}
}

// TestMigrationsAreNumbered: the embedded files parse and count from 1.
func TestMigrationsAreNumbered(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 || SchemaVersion() != len(ms) {
		t.Errorf("migrations %v", ms)
	}
	for _, m := range ms {
		if strings.TrimSpace(m.sql) == "" {
			t.Errorf("%s is empty", m.name)
		}
	}
}
