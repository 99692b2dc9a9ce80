package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateCommand covers what `lookout migrate` says without a cluster:
// wrong flag combinations, a directory without data, the embedded stores
// (no numbered migrations). test/compat/migrate_test.go runs it on
// ClickHouse and PostgreSQL.
func TestMigrateCommand(t *testing.T) {
	t.Setenv("LOOKOUT_STORE", "")
	t.Setenv("LOOKOUT_META", "")
	empty := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
		wantOut string
	}{
		{name: "nothing named", args: nil, wantErr: "give --store and --meta (or --from)"},
		{name: "target without source", args: []string{"--to-store", "clickhouse://ch:9000/x"}, wantErr: "go with --from"},
		{name: "source without target", args: []string{"--from", empty, "--to-meta", "postgres://db/x"}, wantErr: "--from needs --to-store and --to-meta"},
		{name: "no data", args: []string{"--from", empty, "--to-store", "clickhouse://ch:9000/x", "--to-meta", "postgres://db/x"},
			wantErr: "holds no lookout data"},
		{name: "unknown backend", args: []string{"--store", "mysql://db/x"}, wantErr: `unknown backend "mysql"`},
		{name: "embedded", args: []string{"--store", "duckdb", "--meta", "duckdb"},
			wantOut: "store duckdb: the embedded store makes its schema when lookout opens it"},
		{name: "stray argument", args: []string{"--store", "duckdb", "now"}, wantErr: `unexpected argument "now"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(t.Context(), append([]string{"migrate"}, tc.args...), &out, &errOut)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("migrate: %v\n%s", err, errOut.String())
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("migrate: %v, want an error containing %q", err, tc.wantErr)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("printed:\n%s\nwant %q in it", out.String(), tc.wantOut)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(".", "lookout-data")); err == nil {
		t.Error("migrate made a data directory in the working directory")
	}
}
