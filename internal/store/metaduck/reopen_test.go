package metaduck

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/store"
)

// smallDisk mounts a tmpfs of the given size ("16m") on a new directory
// for the test; it skips the test where mounting is not permitted.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("needs a small file system (mount -t tmpfs, as root): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fillOccurrences is batch i of the full-disk test: occurrences with
// incompressible payloads, so that the disk fills in few batches.
func fillOccurrences(i int) []*model.ErrorOccurrence {
	rnd := rand.New(rand.NewPCG(uint64(i), 2))
	occs := make([]*model.ErrorOccurrence, 20)
	for k := range occs {
		data := make([]byte, 2000)
		for j := range data {
			data[j] = 'a' + byte(rnd.IntN(26))
		}
		o := occ("shop", fmt.Sprintf("fp-%d", (i+k)%5), fmt.Sprintf("u-%d-%d", i, k), i)
		o.Data = []byte(`{"pad":"` + string(data) + `"}`)
		occs[k] = o
	}
	return occs
}

type ackedOcc struct {
	id   int64
	uuid string
	data []byte
}

// TestFullDiskMetadataLosesNothing records error occurrences until the
// disk is full, goes on against the full disk, gives it room and checks
// that every acknowledged occurrence is there, intact, before and after a
// reopen; also when the store starts from a WAL left by a crash.
func TestFullDiskMetadataLosesNothing(t *testing.T) {
	for _, crash := range []bool{false, true} {
		t.Run(fmt.Sprint("after a crash: ", crash), func(t *testing.T) {
			dir := smallDisk(t, "16m")
			path := filepath.Join(dir, "meta.duckdb")
			var s *Store
			open := func() {
				s = openTest(t, path)
				t.Cleanup(func() { s.Close() }) // before the unmount
			}
			open()
			var acked []ackedOcc
			write := func(i int) error {
				occs := fillOccurrences(i)
				recs, err := s.RecordOccurrences(t.Context(), occs, func(it *model.Item, o *model.ErrorOccurrence) {
					errortrack.Observe(it, o)
				})
				if err == nil {
					for k, r := range recs {
						acked = append(acked, ackedOcc{r.OccurrenceID, occs[k].UUID, occs[k].Data})
					}
				}
				return err
			}
			next := 0
			if crash {
				for ; next < 10; next++ {
					if err := write(next); err != nil {
						t.Fatal(err)
					}
				}
				// As after kill -9: closed without a checkpoint, the WAL stays.
				if _, err := s.db.Exec("PRAGMA disable_checkpoint_on_shutdown"); err != nil {
					t.Fatal(err)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				open()
			}
			for round := range 2 { // the second one starts against a full disk
				failed, from := 0, next
				for ; failed < 8 && next < from+1000; next++ {
					if err := write(next); err != nil {
						if failed == 0 {
							t.Logf("round %d, batch %d: %v", round, next, err)
						}
						failed++
						continue
					}
					failed = 0
				}
				if failed == 0 {
					t.Fatalf("round %d: the disk did not fill in %d batches: failed commits gave back the space of acknowledged ones?", round, next-from)
				}
			}
			if out, err := exec.Command("mount", "-o", "remount,size=256m", dir).CombinedOutput(); err != nil {
				t.Fatalf("remount: %v: %s", err, out)
			}
			for end := next + 10; next < end; next++ {
				if err := write(next); err != nil {
					t.Fatalf("batch %d after space returned: %v", next, err)
				}
			}
			check := func() {
				t.Helper()
				stored := map[int64]model.ErrorOccurrence{}
				rows, err := s.db.QueryContext(t.Context(), `SELECT id, project, uuid, data FROM err_occurrences`)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var o model.ErrorOccurrence
					var data string
					if err := rows.Scan(&o.ID, &o.Project, &o.UUID, &data); err != nil {
						t.Fatal(err)
					}
					o.Data = []byte(data)
					stored[o.ID] = o
				}
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
				bad := 0
				for _, a := range acked {
					o := stored[a.id]
					if o.Project != "shop" || o.UUID != a.uuid || !bytes.Equal(o.Data, a.data) {
						if bad++; bad <= 5 {
							t.Errorf("acknowledged occurrence %d (%s): stored as %q of %q", a.id, a.uuid, o.UUID, o.Project)
						}
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d acknowledged occurrences missing or damaged", bad, len(acked))
				}
			}
			check()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			open()
			check()
			t.Logf("%d acknowledged occurrences intact", len(acked))
		})
	}
}

// TestDamagedMetadataFile damages meta.duckdb while closed: Open refuses
// with a *DamagedError naming the file, and Repair sets it aside and
// starts a new store with what can still be read.
func TestDamagedMetadataFile(t *testing.T) {
	cases := []struct {
		name   string
		damage func(path string) error
	}{
		{"empty", func(p string) error { return os.Truncate(p, 0) }},
		{"headers cut", func(p string) error { return os.Truncate(p, 6000) }},
		{"half", func(p string) error {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, fi.Size()/2)
		}},
		{"garbage", func(p string) error { return os.WriteFile(p, bytes.Repeat([]byte("not duckdb"), 5000), 0o644) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "meta.duckdb")
			s := openTest(t, path)
			for i := range 30 {
				record(t, s, fillOccurrences(i)...)
			}
			if _, err := s.CreateProject(t.Context(), "other"); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := c.damage(path); err != nil {
				t.Fatal(err)
			}
			_, err := Open(t.Context(), Config{Path: path})
			var de *DamagedError
			if !errors.As(err, &de) || de.Path != path || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open = %v, want a DamagedError naming %s", err, path)
			}
		})
	}
}

// TestFailedWriteReopens marks the database suspect as a failed commit
// would: the next operation reopens it, and what was committed stays.
func TestFailedWriteReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.duckdb")
	s := openTest(t, path)
	defer s.Close()
	recs := record(t, s, fillOccurrences(0)...)
	boom := errors.New(`TransactionContext Error: Failed to commit: Could not write file "meta.duckdb.wal": No space left on device`)
	if err := s.write(t.Context(), func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("write = %v", err)
	}
	if !s.stale.Load() {
		t.Fatal("a failed commit did not mark the database for reopening")
	}
	old := s.db
	if _, err := s.Occurrence(t.Context(), "shop", recs[0].OccurrenceID); err != nil {
		t.Fatal(err)
	}
	if s.stale.Load() || s.db == old {
		t.Fatal("the database was not reopened")
	}
	record(t, s, fillOccurrences(1)...)
	if _, err := s.Project(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Project = %v", err)
	}

	// Reads running while failed writes force reopens all succeed.
	var wg sync.WaitGroup
	errs := make(chan error, 4*100)
	for range 4 {
		wg.Go(func() {
			for range 100 {
				if _, err := s.Occurrence(t.Context(), "shop", recs[0].OccurrenceID); err != nil {
					errs <- err
				}
			}
		})
	}
	for range 5 {
		_ = s.write(t.Context(), func() error { return boom })
		record(t, s, fillOccurrences(2)...) // reopens first
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("read during reopens: %v", err)
	}
}

// TestRepair damages meta.duckdb in ways that leave some of it readable
// or none, repairs it and opens the result.
func TestRepair(t *testing.T) {
	cases := []struct {
		name     string
		damage   func(path string) error
		salvaged bool // some tables come back
	}{
		{"garbage", func(p string) error { return os.WriteFile(p, bytes.Repeat([]byte("not duckdb"), 5000), 0o644) }, false},
		{"empty", func(p string) error { return os.Truncate(p, 0) }, false},
		{"tail cut", func(p string) error {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, fi.Size()-300<<10)
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "meta.duckdb")
			s := openTest(t, path)
			if _, err := s.CreateProject(t.Context(), "other"); err != nil {
				t.Fatal(err)
			}
			for i := range 60 {
				record(t, s, fillOccurrences(i)...)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := c.damage(path); err != nil {
				t.Fatal(err)
			}
			rep, err := Repair(t.Context(), Config{Path: path})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", rep)
			if !rep.Damaged || rep.MovedTo == "" {
				t.Fatalf("report %+v: want the file set aside", rep)
			}
			if _, err := os.Stat(rep.MovedTo); err != nil {
				t.Errorf("the damaged file is not kept: %v", err)
			}
			if c.salvaged != (rep.Unreadable == "") || c.salvaged != (len(rep.Copied) > 0) {
				t.Errorf("copied %v, want salvaged %v", rep.Copied, c.salvaged)
			}
			s = openTest(t, path)
			defer s.Close()
			var maxID int64
			if err := s.db.QueryRow(`SELECT coalesce(max(id), 0) FROM err_occurrences`).Scan(&maxID); err != nil {
				t.Fatal(err)
			}
			if c.salvaged != (maxID > 0) {
				t.Errorf("highest occurrence id %d after repair, want salvaged %v", maxID, c.salvaged)
			}
			for _, r := range record(t, s, fillOccurrences(1000)...) {
				if r.OccurrenceID <= maxID {
					t.Errorf("new occurrence id %d reuses a salvaged one (up to %d)", r.OccurrenceID, maxID)
				}
			}
			if again, err := Repair(t.Context(), Config{Path: path}); err != nil || again.Damaged {
				t.Errorf("second repair: %+v, %v", again, err)
			}
		})
	}
}
