package postgres

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/postgres/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { goleak.VerifyTestMain(pgtest.Wrap(m, &cluster)) }

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
