package backend

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name        string
		store, meta string
		memory      string // the embedded store's memory limit; "" keeps the default
		dataDir     string // "-" clears it; "" keeps the default
		wantErr     string // "" means valid
	}{
		{name: "embedded by default"},
		{name: "embedded by name", store: "duckdb", meta: "duckdb"},
		{name: "clickhouse", store: "clickhouse://ch:9000/lookout"},
		{name: "postgres", meta: "postgres://lookout@db:5432/lookout"},
		{name: "postgresql", meta: "postgresql://db/lookout"},
		{name: "scheme in capitals", store: "ClickHouse://ch:9000/db"},
		{name: "unknown store", store: "mysql://db:3306/x", wantErr: `store: unknown backend "mysql"`},
		{name: "unknown meta", meta: "clickhouse://ch:9000/db", wantErr: `meta: unknown backend "clickhouse"`},
		{name: "bare word", store: "sqlite", wantErr: "want duckdb or a URL such as clickhouse://"},
		{name: "no host", meta: "postgres:///lookout", wantErr: "names no host"},
		{name: "bad url", store: "clickhouse://ch:port/db", wantErr: "store: invalid URL"},
		{name: "bad embedded memory", memory: "plenty", wantErr: "memory limit"},
		{name: "embedded without a data directory", dataDir: "-", wantErr: "store: the embedded store needs a data directory"},
		{name: "external stores need no data directory", dataDir: "-", store: "clickhouse://ch:9000/db", meta: "postgres://db/x"},
		{name: "memory is the embedded store's only", store: "clickhouse://ch:9000/db", memory: "plenty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			c.Store, c.Meta = tc.store, tc.meta
			if tc.dataDir == "-" {
				c.DataDir = ""
			}
			if tc.memory != "" {
				c.DuckDB.MemoryLimit = tc.memory
			}
			err := c.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestErrorsHidePasswords(t *testing.T) {
	for _, raw := range []string{"postgres://u:hunter2@/db", "mysql://u:hunter2@db/x", "clickhouse://u:hunter2@ch:port/db"} {
		c := DefaultConfig()
		c.Meta = raw
		if err := c.Validate(); err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
