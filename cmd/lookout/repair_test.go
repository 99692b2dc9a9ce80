package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lookout/internal/store/metaduck"
)

// TestRepairCommand runs `lookout repair` on a whole data directory, then
// on one whose metadata store was overwritten.
func TestRepairCommand(t *testing.T) {
	dir := t.TempDir()
	meta := filepath.Join(dir, "meta.duckdb")
	st, err := metaduck.Open(t.Context(), metaduck.Config{Path: meta})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateProject(t.Context(), "shop"); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"repair", "--data-dir", dir}, &out, &errOut); err != nil {
		t.Fatalf("repair: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "metadata store: readable") || !strings.Contains(out.String(), "partitions: all readable") {
		t.Fatalf("repair of a whole directory printed:\n%s", out.String())
	}

	if err := os.WriteFile(meta, bytes.Repeat([]byte("garbage!"), 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := metaduck.Open(t.Context(), metaduck.Config{Path: meta}); err == nil {
		t.Fatal("a garbage metadata file opened")
	}
	out.Reset()
	if err := run(t.Context(), []string{"repair", "--data-dir", dir}, &out, &errOut); err != nil {
		t.Fatalf("repair: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "was damaged") || !strings.Contains(out.String(), "kept as "+meta+".damaged-") {
		t.Fatalf("repair printed:\n%s", out.String())
	}
	st, err = metaduck.Open(t.Context(), metaduck.Config{Path: meta})
	if err != nil {
		t.Fatalf("after repair: %v", err)
	}
	st.Close()
}
