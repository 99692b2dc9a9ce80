package metaduck

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestCatalogCut: a file cut at the block where DuckDB keeps its catalog
// fails already when the driver opens it; Open still says the file is
// damaged, so that Repair sets it aside.
func TestCatalogCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.duckdb")
	s := openTest(t, path)
	for i := range 20 {
		record(t, s, fillOccurrences(i)...)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	err = ro.QueryRow("SELECT max(block_id) FROM pragma_metadata_info()").Scan(&last)
	ro.Close()
	if err != nil {
		t.Fatal(err)
	}
	const headers, block = 3 << 12, 256 << 10 // DuckDB's file headers and block size
	if err := os.Truncate(path, headers+last*block); err != nil {
		t.Fatal(err)
	}
	_, err = Open(t.Context(), Config{Path: path})
	var de *DamagedError
	if !errors.As(err, &de) || de.Path != path {
		t.Fatalf("Open = %v, want a DamagedError naming %s", err, path)
	}
	rep, err := Repair(t.Context(), Config{Path: path})
	if err != nil || !rep.Damaged || rep.MovedTo == "" {
		t.Fatalf("Repair = %+v, %v", rep, err)
	}
	openTest(t, path).Close()
}
