package clickhouse

import (
	"slices"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name string
		sql  string
		want []string
	}{
		{"Empty", "", nil},
		{"CommentsOnly", "-- a\n  -- b\n", nil},
		{"Two", "CREATE TABLE a (x UInt8);\n-- note; not an end\nCREATE TABLE b\n(y UInt8)\n;\n", []string{"CREATE TABLE a (x UInt8)", "CREATE TABLE b\n(y UInt8)"}},
		{"NoFinalSemicolon", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "SELECT 2"}},
		{"SemicolonInsideALine", "SELECT ';' AS x, 1;\n", []string{"SELECT ';' AS x, 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := splitStatements(c.sql); !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestLoadMigrations(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("migrations %+v, want versions from 1", ms)
	}
	for i, m := range ms {
		if i > 0 && m.version <= ms[i-1].version {
			t.Errorf("migration %d: version %d after %d", i, m.version, ms[i-1].version)
		}
		if len(m.stmts) == 0 {
			t.Errorf("migration %04d_%s has no statements", m.version, m.name)
		}
	}
}

// TestMigrateOnce opens the same database from two stores, as two nodes
// starting one after the other: the second applies nothing.
func TestMigrateOnce(t *testing.T) {
	a := openTest(t, t.Name())
	defer a.Close()
	b := openTest(t, t.Name())
	defer b.Close()
	ms, _ := loadMigrations()
	last := ms[len(ms)-1].version
	if a.SchemaVersion() != last || b.SchemaVersion() != last {
		t.Errorf("schema versions %d and %d, want %d", a.SchemaVersion(), b.SchemaVersion(), last)
	}
	var n uint64
	if err := b.conn.QueryRow(t.Context(), "SELECT count() FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(ms)) {
		t.Errorf("schema_migrations holds %d rows, want %d", n, len(ms))
	}
}
