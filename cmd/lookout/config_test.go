package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "lookout.yaml")
	if err := os.WriteFile(yamlFile, []byte("data-dir: /from/yaml\nretention: 3d\nmax-disk: 1GB\nhttp-addr: 127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	storesFile := filepath.Join(dir, "stores.yaml")
	if err := os.WriteFile(storesFile, []byte("store: clickhouse://ch:9000/lookout\nmeta: postgres://db/lookout\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		dataDir   string
		httpAddr  string
		retention time.Duration
		maxDisk   int64
		// storeMemory, when set, is the store's expected memory limit.
		storeMemory string
		// readTimeout, when set, is the expected OTLP read timeout.
		readTimeout time.Duration
		// minFree, when set, is the expected free-space reserve.
		minFree     string
		store, meta string // the backend URLs expected
		wantErr     string
	}{
		{name: "defaults", dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30,
			storeMemory: "256MB", minFree: "256MiB"},
		{name: "min free disk flag", args: []string{"--min-free-disk", "5%"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, minFree: "5%"},
		{name: "min free disk environment", env: map[string]string{"LOOKOUT_MIN_FREE_DISK": "1GiB"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, minFree: "1GiB"},
		{name: "bad min free disk", args: []string{"--min-free-disk", "half"}, wantErr: "min-free-disk"},
		{name: "flags", args: []string{"--data-dir", "/d", "--retention", "36h", "--max-disk", "512MiB", "--store-memory", "1GB"},
			dataDir: "/d", httpAddr: "127.0.0.1:8686", retention: 36 * time.Hour, maxDisk: 512 << 20, storeMemory: "1GB"},
		{name: "environment", env: map[string]string{"LOOKOUT_DATA_DIR": "/env", "LOOKOUT_RETENTION": "2w", "LOOKOUT_MAX_DISK": "5GB"},
			dataDir: "/env", httpAddr: "127.0.0.1:8686", retention: 14 * 24 * time.Hour, maxDisk: 5_000_000_000},
		{name: "yaml file", args: []string{"--config", yamlFile},
			dataDir: "/from/yaml", httpAddr: "127.0.0.1:1", retention: 3 * 24 * time.Hour, maxDisk: 1_000_000_000},
		{name: "flag beats environment beats file", args: []string{"--config", yamlFile, "--data-dir", "/flag"},
			env:     map[string]string{"LOOKOUT_DATA_DIR": "/env", "LOOKOUT_HTTP_ADDR": "127.0.0.1:2"},
			dataDir: "/flag", httpAddr: "127.0.0.1:2", retention: 3 * 24 * time.Hour, maxDisk: 1_000_000_000},
		{name: "otlp read timeout flag", args: []string{"--otlp-read-timeout", "2s"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, readTimeout: 2 * time.Second},
		{name: "otlp read timeout environment", env: map[string]string{"LOOKOUT_OTLP_READ_TIMEOUT": "45s"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, readTimeout: 45 * time.Second},
		{name: "otlp read timeout zero", args: []string{"--otlp-read-timeout", "0s"}, wantErr: "ReadTimeout must be positive"},
		{name: "bad retention", args: []string{"--retention", "soon"}, wantErr: "retention"},
		{name: "retention too short", args: []string{"--retention", "5m"}, wantErr: "at least 1h"},
		{name: "bad size", args: []string{"--max-disk", "lots"}, wantErr: "max-disk"},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: "log-format"},
		{name: "bad store memory", args: []string{"--store-memory", "plenty"}, wantErr: "memory limit"},
		{name: "embedded stores by name", args: []string{"--store", "duckdb", "--meta", "duckdb"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, store: "duckdb", meta: "duckdb"},
		{name: "clickhouse", args: []string{"--store", "clickhouse://ch:9000/lookout"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, store: "clickhouse://ch:9000/lookout"},
		{name: "postgres", env: map[string]string{"LOOKOUT_META": "postgres://lookout@db:5432/lookout"},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, meta: "postgres://lookout@db:5432/lookout"},
		{name: "unknown store", args: []string{"--store", "sqlite"}, wantErr: "store"},
		{name: "stores in the file", args: []string{"--config", storesFile},
			dataDir: "lookout-data", httpAddr: "127.0.0.1:8686", retention: 7 * 24 * time.Hour, maxDisk: 5 << 30, store: "clickhouse://ch:9000/lookout", meta: "postgres://db/lookout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := parseCase(t, tc.args, tc.env, tc.wantErr)
			if !ok {
				return
			}
			s := c.server
			if tc.minFree != "" && s.MinFreeDisk.String() != tc.minFree {
				t.Errorf("min free disk %s, want %s", s.MinFreeDisk, tc.minFree)
			}
			if tc.readTimeout != 0 && s.OTLP.ReadTimeout != tc.readTimeout {
				t.Errorf("otlp read timeout %s, want %s", s.OTLP.ReadTimeout, tc.readTimeout)
			}
			if tc.storeMemory != "" && s.Stores.DuckDB.MemoryLimit != tc.storeMemory {
				t.Errorf("store memory %q, want %q", s.Stores.DuckDB.MemoryLimit, tc.storeMemory)
			}
			if s.Stores.Store != tc.store || s.Stores.Meta != tc.meta {
				t.Errorf("stores %q, %q; want %q, %q", s.Stores.Store, s.Stores.Meta, tc.store, tc.meta)
			}
			if s.DataDir != tc.dataDir || s.HTTPAddr != tc.httpAddr || s.Retention != tc.retention || s.MaxDiskBytes != tc.maxDisk {
				t.Errorf("got data-dir %s http %s retention %s max-disk %d; want %s %s %s %d",
					s.DataDir, s.HTTPAddr, s.Retention, s.MaxDiskBytes, tc.dataDir, tc.httpAddr, tc.retention, tc.maxDisk)
			}
		})
	}
}

func TestEnvAndVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"env", "--otlp-http-addr", "0.0.0.0:4318"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n") {
		t.Errorf("env printed:\n%s", out.String())
	}
	out.Reset()
	if err := run(t.Context(), []string{"version"}, &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "lookout ") {
		t.Errorf("version: %q, %v", out.String(), err)
	}
	if err := run(t.Context(), []string{"frobnicate"}, &out, &errOut); err == nil {
		t.Error("unknown command: want an error")
	}
}
