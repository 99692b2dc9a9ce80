package metaduck

import (
	"context"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func openTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

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

func record(t *testing.T, s *Store, occs ...*model.ErrorOccurrence) []store.Recorded {
	t.Helper()
	recs, err := s.RecordOccurrences(context.Background(), occs, func(it *model.Item, o *model.ErrorOccurrence) {
		errortrack.Observe(it, o)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(occs) {
		t.Fatalf("%d results for %d occurrences", len(recs), len(occs))
	}
	return recs
}

// TestAppenderJoinsErrorTransaction checks that rows appended in a write
// transaction that then fails are rolled back with it: the Appender's flush
// joins the open transaction rather than committing on its own.
func TestAppenderJoinsErrorTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "meta.duckdb"))
	defer s.Close()
	o := occ("default", "a", "u1", 0)
	o.ID, o.ItemID = 1, 1
	injected := errors.New("injected")
	err := s.inWriteTx(ctx, func(tx *txConn) error {
		if err := tx.appendRows("err_occurrences", [][]driver.Value{occurrenceRow(o)}); err != nil {
			return err
		}
		return injected
	})
	if !errors.Is(err, injected) {
		t.Fatalf("inWriteTx: %v, want the injected error", err)
	}
	if _, err := s.Occurrence(ctx, "default", 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("occurrence of the failed transaction is visible: %v", err)
	}
	// A malformed row fails the batch and leaves nothing either.
	err = s.inWriteTx(ctx, func(tx *txConn) error {
		return tx.appendRows("err_occurrences", [][]driver.Value{occurrenceRow(o), {"too few columns"}})
	})
	if err == nil {
		t.Fatal("append of a malformed row succeeded")
	}
	if _, err := s.Occurrence(ctx, "default", 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("occurrence of the failed append is visible: %v", err)
	}
	if r := record(t, s, occ("default", "a", "u1", 0)); r[0].Duplicate {
		t.Errorf("uuid of a rolled-back occurrence counts as stored: %+v", r[0])
	}
}
