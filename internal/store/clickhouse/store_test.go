package clickhouse

import (
	"testing"

	"go.uber.org/goleak"

	"lookout/internal/store"
	"lookout/internal/store/clickhouse/chtest"
	"lookout/internal/store/storetest"
)

var server chtest.Shared

func TestMain(m *testing.M) { goleak.VerifyTestMain(server.Wrap(m)) }

// openTest opens a store on the shared server in a database named after
// key: the same key reopens the same data.
func openTest(t testing.TB, key string) *Store {
	t.Helper()
	srv := server.Get(t)
	cfg := DefaultConfig()
	cfg.URL = srv.URL(chtest.DatabaseName(key))
	cfg.MaxConns = 8
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.URL, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.RunAll(t, storetest.Backend{
		Open: func(t *testing.T, dir string) store.Store { return openTest(t, dir) },
		// ClickHouse 18.16 has no JSON functions: a filter pattern's JSON
		// conditions come back as a superset that logsearch re-checks.
		Capabilities: storetest.Capabilities{NoJSONMatch: true},
	})
}
