package pgtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the environment variable that, set to 1, turns a
// missing PostgreSQL into a failure instead of skipped tests (CI sets it
// where the server is installed).
const RequireEnv = "LOOKOUT_TEST_CLUSTER"

// BinDirEnv, when set, names the directory of initdb, pg_ctl and postgres
// instead of DefaultBinDir.
const BinDirEnv = "LOOKOUT_TEST_PG_BIN"

// Runner is what testing.M and goleak.VerifyTestMain agree on.
type Runner interface{ Run() int }

// Wrap returns a Runner that starts a server, stores it in *c, runs m and
// stops the server, whatever the tests did. Use it in TestMain:
//
//	var cluster *pgtest.Cluster
//	func TestMain(m *testing.M) { goleak.VerifyTestMain(pgtest.Wrap(m, &cluster)) }
//
// When the machine has no PostgreSQL, *c is a Cluster whose Database skips
// the test, unless RequireEnv is 1: then Run fails without running tests.
func Wrap(m Runner, c **Cluster) Runner { return wrapped{m, c} }

type wrapped struct {
	m Runner
	c **Cluster
}

func (w wrapped) Run() int {
	if !flag.Parsed() {
		flag.Parse() // testing.Verbose needs the flags; testing.M.Run parses them again harmlessly
	}
	cfg := DefaultConfig()
	if dir := os.Getenv(BinDirEnv); dir != "" {
		cfg.BinDir = dir
	}
	start := time.Now()
	cl, err := Start(context.Background(), cfg)
	switch {
	case errors.Is(err, ErrUnavailable) && os.Getenv(RequireEnv) != "1":
		fmt.Fprintf(os.Stderr, "%v: PostgreSQL tests skip (set %s=1 to fail instead)\n", err, RequireEnv)
		cl = &Cluster{skip: err.Error()}
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return 1
	default:
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "pgtest: PostgreSQL on port %d, started in %v\n", cl.Port(), time.Since(start).Round(time.Millisecond))
		}
	}
	*w.c = cl
	defer cl.Stop()
	return w.m.Run()
}

// dbNames hands out unique database names.
type dbNames struct {
	mu   sync.Mutex
	used map[string]int
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

func (n *dbNames) next(testName string) string {
	base := unsafeChars.ReplaceAllString(strings.ToLower(testName), "_")
	base = "t_" + strings.Trim(base, "_")
	if len(base) > 50 {
		base = base[:50]
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.used == nil {
		n.used = map[string]int{}
	}
	n.used[base]++
	return fmt.Sprintf("%s_%d", base, n.used[base])
}

// CreateDatabase creates an empty database and returns its URL.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return c.URL(name), nil
}

// Database creates a fresh database named after the test and returns its
// URL; it skips the test when the machine has no PostgreSQL. Databases are
// not dropped: they go with the server.
func (c *Cluster) Database(t testing.TB) string {
	t.Helper()
	c.need(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url, err := c.CreateDatabase(ctx, c.dbs.next(t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// sharedDB is the database Schema creates schemas in.
const sharedDB = "lookout_tests"

// Schema creates a fresh schema, named after the test, in a database the
// package's tests share, and returns a URL whose connections use it alone
// (search_path): a test sees only the tables it creates, as in a fresh
// database, for a few milliseconds instead of a database copy. Use
// Database when a test changes database-wide settings.
func (c *Cluster) Schema(t testing.TB) string {
	t.Helper()
	c.need(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c.sharedMu.Lock()
	if !c.shared {
		if _, err := c.CreateDatabase(ctx, sharedDB); err != nil {
			c.sharedMu.Unlock()
			t.Fatal(err)
		}
		c.shared = true
	}
	c.sharedMu.Unlock()
	name := c.dbs.next(t.Name())
	conn, err := pgx.Connect(ctx, c.URL(sharedDB))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	return c.URL(sharedDB) + "&search_path=" + name
}

// need fails or skips t when no server runs.
func (c *Cluster) need(t testing.TB) {
	t.Helper()
	if c == nil {
		t.Fatal("pgtest: no cluster: call Wrap in TestMain")
	}
	if c.skip != "" {
		t.Skip(c.skip)
	}
}
