package backend

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lookout/internal/model"
)

func TestOpenEmbedded(t *testing.T) {
	c := DefaultConfig()
	c.DataDir = t.TempDir()
	st, err := Open(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Meta.Project(t.Context(), model.DefaultProject); err != nil {
		t.Errorf("default project: %v", err)
	}
	if _, err := st.Telemetry.Partitions(t.Context()); err != nil {
		t.Errorf("partitions: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"store", "meta.duckdb"} {
		if _, err := os.Stat(filepath.Join(c.DataDir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	c := DefaultConfig()
	c.DataDir = t.TempDir()
	// A directory where the metadata file belongs: the telemetry store
	// opens, the metadata store does not.
	if err := os.Mkdir(filepath.Join(c.DataDir, "meta.duckdb"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), c); err == nil || !strings.Contains(err.Error(), "open metadata store") {
		t.Fatalf("Open: %v, want a metadata store error", err)
	}
	// Nothing listens on port 1: the ClickHouse store does not open.
	c.Store = "clickhouse://127.0.0.1:1/db"
	if _, err := Open(t.Context(), c); err == nil || !strings.Contains(err.Error(), "open store") {
		t.Fatalf("Open: %v, want a store error", err)
	}
}
