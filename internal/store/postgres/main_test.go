package postgres

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
	"lookout/internal/store/postgres/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { goleak.VerifyTestMain(pgtest.Wrap(m, &cluster)) }

// backend opens a metadata store at a location: fresh makes a new one,
// open (re)opens it. The tests that describe the contract run against
// both this package and metaduck, the embedded reference.
type backend struct {
	name  string
	fresh func(t *testing.T) string
	open  func(t *testing.T, loc string) store.Meta
}

var backends = []backend{
	{"postgres", func(t *testing.T) string { return cluster.Schema(t) },
		func(t *testing.T, url string) store.Meta { return openURL(t, url) }},
	{"metaduck", func(t *testing.T) string { return filepath.Join(t.TempDir(), "meta.duckdb") },
		func(t *testing.T, path string) store.Meta {
			s, err := metaduck.Open(context.Background(), metaduck.Config{Path: path})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
}

// forEachBackend runs fn as a subtest per backend.
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b) })
	}
}

// openFresh opens a store at a new location, closed when the test ends.
func (b backend) openFresh(t *testing.T) store.Meta {
	t.Helper()
	s := b.open(t, b.fresh(t))
	t.Cleanup(func() { s.Close() })
	return s
}

// openURL opens a postgres store; the caller closes it.
func openURL(t testing.TB, url string) *Store {
	t.Helper()
	cfg := DefaultConfig()
	cfg.URL = url
	cfg.MaxConns = 4
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openTest opens a postgres store on a fresh database, closed when the
// test ends.
func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	url := cluster.Schema(t)
	s := openURL(t, url)
	t.Cleanup(func() { s.Close() })
	return s, url
}

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// occ is a small occurrence: project, fingerprint, uuid and an offset in
// seconds from t0 are what the tests vary.
func occ(project, fp, uuid string, sec int) *model.ErrorOccurrence {
	ts := t0.Add(time.Duration(sec) * time.Second)
	return &model.ErrorOccurrence{
		Project: project, Fingerprint: fp, UUID: uuid, Timestamp: ts, Received: ts,
		Environment: "production", Level: model.LevelError, Title: "E: " + fp, Class: "E",
		Message: "boom", Notifier: "rollbar-go 1.4.5", Data: []byte(`{"uuid":"` + uuid + `"}`),
	}
}

func observe(it *model.Item, o *model.ErrorOccurrence) { errortrack.Observe(it, o) }

func record(t testing.TB, s store.ErrorWriter, occs ...*model.ErrorOccurrence) []store.Recorded {
	t.Helper()
	recs, err := s.RecordOccurrences(context.Background(), occs, observe)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(occs) {
		t.Fatalf("%d results for %d occurrences", len(recs), len(occs))
	}
	return recs
}
