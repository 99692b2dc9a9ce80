package chtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
	"go.uber.org/goleak"
)

var server Shared

func TestMain(m *testing.M) { goleak.VerifyTestMain(server.Wrap(m)) }

func TestServerAnswers(t *testing.T) {
	srv := server.Get(t)
	opts, err := clickhouse.ParseDSN(srv.URL("default"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := clickhouse.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n uint64
	if err := conn.QueryRow(t.Context(), "SELECT toUInt64(41 + 1)").Scan(&n); err != nil || n != 42 {
		t.Fatalf("select: %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(srv.dir, "config.xml")); err != nil {
		t.Errorf("config: %v", err)
	}
}

func TestFindBinary(t *testing.T) {
	cases := []struct {
		name    string
		binary  string
		wantErr error
	}{
		{"Missing", filepath.Join(t.TempDir(), "no-such-clickhouse"), ErrNoBinary},
		{"NotExecutable", writeFile(t, "clickhouse-server", 0o644), ErrNoBinary},
		{"Named", writeFile(t, "clickhouse-server", 0o755), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, args, err := FindBinary(c.binary)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("FindBinary(%q): %v, want %v", c.binary, err, c.wantErr)
			}
			if err == nil && (path != c.binary || len(args) != 0) {
				t.Errorf("FindBinary(%q) = %q %q", c.binary, path, args)
			}
		})
	}
	t.Run("SingleBinary", func(t *testing.T) {
		bin := writeFile(t, "clickhouse", 0o755)
		if _, args, err := FindBinary(bin); err != nil || len(args) != 1 || args[0] != "server" {
			t.Errorf("FindBinary(%q): args %q, %v; want [server]", bin, args, err)
		}
	})
}

func TestStartMissingBinary(t *testing.T) {
	_, err := Start(context.Background(), Options{Binary: filepath.Join(t.TempDir(), "none")})
	if !errors.Is(err, ErrNoBinary) {
		t.Errorf("start: %v, want ErrNoBinary", err)
	}
}

func TestDatabaseName(t *testing.T) {
	a, b := DatabaseName("/tmp/x"), DatabaseName("/tmp/y")
	if a == b || a != DatabaseName("/tmp/x") || len(a) != 18 {
		t.Errorf("names %q %q", a, b)
	}
}

func writeFile(t *testing.T, name string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
	return p
}
