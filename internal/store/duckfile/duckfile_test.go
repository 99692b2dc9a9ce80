package duckfile

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/marcboeker/go-duckdb/v2"
)

// newDB writes a checkpointed DuckDB file of several blocks and returns its
// path and the highest block it uses.
func newDB(t *testing.T) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE t AS SELECT i, md5(i::VARCHAR) AS s FROM range(200000) r(i)`,
		`CHECKPOINT`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	var last int64
	if err := db.QueryRow(`SELECT max(b) FROM (SELECT max(block_id) AS b FROM pragma_storage_info('t') WHERE persistent
		UNION ALL SELECT max(block_id) FROM pragma_metadata_info())`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path, last
}

func TestCheck(t *testing.T) {
	flip := func(off int64) func(t *testing.T, p string) {
		return func(t *testing.T, p string) {
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b := make([]byte, 1)
			if _, err := f.ReadAt(b, off); err != nil {
				t.Fatal(err)
			}
			b[0] ^= 0xff
			if _, err := f.WriteAt(b, off); err != nil {
				t.Fatal(err)
			}
		}
	}
	truncate := func(to func(size int64) int64) func(t *testing.T, p string) {
		return func(t *testing.T, p string) {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, to(fi.Size())); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name    string
		damage  func(t *testing.T, p string)
		damaged string // part of the message; "" for a whole file
	}{
		{"whole", func(*testing.T, string) {}, ""},
		{"empty", truncate(func(int64) int64 { return 0 }), "empty"},
		{"headers cut", truncate(func(int64) int64 { return 5000 }), "shorter than the file headers"},
		{"half", truncate(func(n int64) int64 { return n / 2 }), "truncated"},
		{"last byte", truncate(func(n int64) int64 { return n - 1 }), "truncated"},
		{"free blocks at the end unwritten", nil, ""},
		{"magic", flip(9), "not a DuckDB database file"},
		{"main header", flip(100), "main header"},
		{"both database headers", func(t *testing.T, p string) { flip(4096+20)(t, p); flip(8192+20)(t, p) }, "neither database header"},
		{"garbage", func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte(strings.Repeat("garbage!", 4000)), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a DuckDB database file"},
		{"grown", func(t *testing.T, p string) { truncate(func(n int64) int64 { return n + 4096 })(t, p) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, last := newDB(t)
			if c.damage == nil { // cut right after the last used block
				truncate(func(int64) int64 { return dataStart + (last+1)*defaultBlock })(t, p)
			} else {
				c.damage(t, p)
			}
			err := Check(p)
			if err == nil {
				err = CheckBlocks(p, last)
			}
			if c.damaged == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), c.damaged) || !IsDamage(err) {
				t.Fatalf("Check = %v, want damaged: %q", err, c.damaged)
			}
		})
	}
}

// TestCheckOneHeaderTorn checks that a torn write of the header not in use
// does not count as damage: DuckDB falls back to the other one.
func TestCheckOneHeaderTorn(t *testing.T) {
	p, _ := newDB(t)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	older := 4096
	if iteration(b[4096:8192]) > iteration(b[8192:12288]) {
		older = 8192
	}
	b[older+30] ^= 0xff
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Check(p); err != nil {
		t.Fatalf("Check = %v, want nil", err)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		msg                        string
		damage, noSpace, invalided bool
	}{
		{`IO Error: The file "/d/parts/20250311.duckdb" exists, but it is not a valid DuckDB database file!`, true, false, false},
		{`IO Error: Could not read enough bytes from file "/d/x.duckdb": attempted to read 3192 bytes from location 5000`, true, false, false},
		{`IO Error: Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 274432`, true, false, false},
		{`TransactionContext Error: Failed to commit: Could not write file "/d/x.duckdb.wal": No space left on device`, false, true, false},
		{`IO Error: Could not set lock on file "/d/meta.duckdb": Conflicting lock is held`, false, false, false},
		{`FATAL Error: Failed: database has been invalidated because of a previous fatal error.`, false, false, true},
		{`Constraint Error: duplicate key`, false, false, false},
	}
	for _, c := range cases {
		err := errors.New(c.msg)
		if IsDamage(err) != c.damage || IsNoSpace(err) != c.noSpace || IsInvalidated(err) != c.invalided {
			t.Errorf("%q: damage %v, no space %v, invalidated %v; want %v, %v, %v", c.msg,
				IsDamage(err), IsNoSpace(err), IsInvalidated(err), c.damage, c.noSpace, c.invalided)
		}
	}
}

func TestSetAside(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "20250311.duckdb")
	for _, f := range []string{p, p + ".wal"} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	to, err := SetAside(p, time.Date(2025, 3, 12, 8, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := p + ".damaged-20250312T083000.000Z"; to != want {
		t.Fatalf("set aside as %s, want %s", to, want)
	}
	for _, f := range []string{to, to + ".wal"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range []string{p, p + ".wal"} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there: %v", f, err)
		}
	}
}
