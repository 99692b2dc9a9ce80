package duckdb

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// smallDisk mounts a tmpfs of the given size ("24m") on a new directory
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

func growDisk(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,size="+size, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v: %s", dir, err, out)
	}
}

// fillBatch is batch i of the full-disk tests: spans of one trace whose
// strings differ from batch to batch, so that a row made of other rows'
// bytes shows.
func fillBatch(i int, day time.Time) *model.Batch {
	rnd := rand.New(rand.NewPCG(uint64(i), 1))
	var spans []model.Span
	for k := range 50 {
		sp := testSpan(0, day.Add(time.Duration(i)*time.Millisecond))
		sp.TraceID, sp.SpanID = fillTrace(i), model.SpanID{byte(k), byte(k >> 8), 1}
		sp.Name = fmt.Sprintf("op-%d-%d", i, k)
		sp.Resource.Attributes = model.Attributes{{Key: "service.name", Value: model.StringValue(fmt.Sprintf("svc-%d", i%7))}}
		filler := make([]byte, 600) // incompressible: the disk fills in few batches
		for j := range filler {
			filler[j] = 'a' + byte(rnd.IntN(26))
		}
		sp.Attributes = model.Attributes{{Key: "filler", Value: model.StringValue(string(filler))}}
		spans = append(spans, sp)
	}
	return &model.Batch{Spans: spans}
}

func fillTrace(i int) model.TraceID { return model.TraceID{0xfd, byte(i >> 16), byte(i >> 8), byte(i)} }

// checkBatches reads every acknowledged batch back whole and unchanged.
func checkBatches(t *testing.T, s *Store, acked []int) {
	t.Helper()
	bad := 0
	for _, i := range acked {
		spans, err := s.Trace(t.Context(), "p", fillTrace(i))
		ok := err == nil && len(spans) == 50
		for _, sp := range spans {
			ok = ok && strings.HasPrefix(sp.Name, fmt.Sprintf("op-%d-", i)) && sp.Project == "p"
		}
		if !ok {
			if bad++; bad <= 5 {
				t.Errorf("acknowledged batch %d: %d of 50 spans (%v)", i, len(spans), err)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d acknowledged batches damaged or missing", bad, len(acked))
	}
}

// fillDisk writes batches until several in a row fail and returns the
// acknowledged ones.
func fillDisk(t *testing.T, s *Store, day time.Time, from int) (acked []int, next int) {
	t.Helper()
	failed := 0
	i := from
	for ; failed < 8 && i < from+1000; i++ {
		if err := s.Write(t.Context(), fillBatch(i, day)); err != nil {
			failed++
			continue
		}
		failed = 0
		acked = append(acked, i)
	}
	if failed == 0 {
		t.Fatalf("the disk did not fill in %d batches: failed commits gave back the space of acknowledged ones?", i-from)
	}
	return acked, i
}

// TestFullDiskLosesNothingAcknowledged fills a small file system with
// writes, goes on writing against the full disk, gives it room again and
// checks that every acknowledged batch is there, intact, before and after
// a reopen. Against DuckDB 1.2.2 unaided, the first row written after a
// failed commit was a run of the failed rows' bytes, and a failed commit
// into a partition attached with a WAL (after a crash, or a reopen)
// truncated that WAL to nothing.
func TestFullDiskLosesNothingAcknowledged(t *testing.T) {
	cases := []struct {
		name      string
		threshold string // DuckDB's default, or frequent checkpoints
		crash     bool   // start from a store stopped without checkpoint, its WAL kept
	}{
		{"default checkpoints", "", false},
		{"frequent checkpoints", "2MB", false},
		{"after a crash", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := smallDisk(t, "16m")
			cfg := DefaultConfig()
			cfg.Dir, cfg.Threads, cfg.CheckpointThreshold = dir, 2, c.threshold
			var s *Store
			open := func() {
				var err error
				if s, err = Open(t.Context(), cfg); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() }) // before the unmount
			}
			open()
			day := time.Now().UTC().Truncate(24 * time.Hour).Add(time.Hour)
			var acked []int
			next := 0
			if c.crash {
				for ; next < 15; next++ {
					if err := s.Write(t.Context(), fillBatch(next, day)); err != nil {
						t.Fatal(err)
					}
					acked = append(acked, next)
				}
				// As after kill -9: closed without a checkpoint, the WAL stays.
				if err := s.exec(t.Context(), "PRAGMA disable_checkpoint_on_shutdown"); err != nil {
					t.Fatal(err)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				open()
			}
			more, next := fillDisk(t, s, day, next)
			acked = append(acked, more...)
			// Still full: a reopened partition must not lose its WAL.
			more, next = fillDisk(t, s, day, next)
			acked = append(acked, more...)
			growDisk(t, dir, "256m")
			for i := next; i < next+20; i++ {
				if err := s.Write(t.Context(), fillBatch(i, day)); err != nil {
					t.Fatalf("batch %d after space returned: %v", i, err)
				}
				acked = append(acked, i)
			}
			checkBatches(t, s, acked)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			open()
			checkBatches(t, s, acked)
			t.Logf("%d acknowledged batches intact", len(acked))
		})
	}
}

// TestFailedCommitIsNotStored fails a commit through the test hook: the
// write reports the error, nothing of it is stored, and the store writes
// on.
func TestFailedCommitIsNotStored(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	boom := errors.New("injected commit failure")
	for i := range 4 {
		s.failCommit = func(string) error {
			if i == 1 || i == 2 {
				return boom
			}
			return nil
		}
		err := s.Write(t.Context(), fillBatch(i, t0))
		if (i == 1 || i == 2) != errors.Is(err, boom) {
			t.Fatalf("batch %d: Write = %v", i, err)
		}
	}
	s.failCommit = nil

	// Reads running while failed writes reopen the partition never miss it.
	var wg sync.WaitGroup
	errs := make(chan error, 4*50)
	for range 4 {
		wg.Go(func() {
			for range 50 {
				if spans, err := s.Trace(t.Context(), "p", fillTrace(0)); err != nil || len(spans) != 50 {
					errs <- fmt.Errorf("%d spans, %v", len(spans), err)
				}
			}
		})
	}
	for i := 10; i < 15; i++ {
		s.failCommit = func(string) error { return boom }
		if err := s.Write(t.Context(), fillBatch(i, t0)); !errors.Is(err, boom) {
			t.Errorf("batch %d: Write = %v", i, err)
		}
	}
	s.failCommit = nil
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("read during reopens: %v", err)
	}
	check := func(s *Store) {
		checkBatches(t, s, []int{0, 3})
		for _, i := range []int{1, 2} {
			if _, err := s.Trace(t.Context(), "p", fillTrace(i)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("batch %d, whose commit failed: %v", i, err)
			}
		}
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	defer s.Close()
	check(s)
}

// TestDamagedPartitionIsSetAside damages one day's file while the store is
// closed: the store opens, sets the file aside, serves the other day and
// writes the damaged day into a new file.
func TestDamagedPartitionIsSetAside(t *testing.T) {
	day1, day2 := t0, t0.Add(24*time.Hour)
	cases := []struct {
		name   string
		damage func(path string) error
	}{
		{"empty", func(p string) error { return os.Truncate(p, 0) }},
		{"headers cut", func(p string) error { return os.Truncate(p, 5000) }},
		{"half", func(p string) error {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, fi.Size()/2)
		}},
		{"garbage", func(p string) error { return os.WriteFile(p, []byte(strings.Repeat("not duckdb", 5000)), 0o644) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openTest(t, dir)
			for i, day := range []time.Time{day1, day1, day2} {
				if err := s.Write(t.Context(), fillBatch(i, day)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "parts", partName(day2.UnixNano())+".duckdb")
			if err := c.damage(path); err != nil {
				t.Fatal(err)
			}
			s = openTest(t, dir)
			defer s.Close()
			damaged := s.DamagedFiles()
			if len(damaged) != 1 || damaged[0].Path != path || damaged[0].Reason == "" {
				t.Fatalf("damaged files %+v, want %s", damaged, path)
			}
			if _, err := os.Stat(damaged[0].MovedTo); err != nil {
				t.Errorf("the damaged file is not kept: %v", err)
			}
			checkBatches(t, s, []int{0, 1})
			parts, err := s.Partitions(t.Context())
			if err != nil || len(parts) != 1 || parts[0].Name != partName(day1.UnixNano()) {
				t.Errorf("partitions %+v (%v), want only day 1", parts, err)
			}
			if err := s.Write(t.Context(), fillBatch(3, day2)); err != nil {
				t.Fatalf("write to the damaged day: %v", err)
			}
			checkBatches(t, s, []int{0, 1, 3})
		})
	}
}

// TestCorruptBlocksAreSetAside overwrites the blocks of a partition file,
// which its headers cannot show: the store sets the file aside when it
// first reads them, a write into that day goes to a new file, and the
// other day stays readable.
func TestCorruptBlocksAreSetAside(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	day1, day2 := t0, t0.Add(24*time.Hour)
	for i := range 40 {
		day := day1
		if i%2 == 1 {
			day = day2
		}
		if err := s.Write(t.Context(), fillBatch(i, day)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "parts", partName(day2.UnixNano())+".duckdb")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	junk := []byte(strings.Repeat("junk", (int(fi.Size())-12288)/4))
	if _, err := f.WriteAt(junk, 12288); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s = openTest(t, dir)
	defer s.Close()
	var werr error
	for i := 100; i < 103; i++ {
		if werr = s.Write(t.Context(), fillBatch(i, day2)); werr == nil {
			checkBatches(t, s, []int{i})
			break
		}
		t.Logf("write %d: %v", i, werr)
	}
	if werr != nil {
		t.Fatalf("writes into the damaged day still fail: %v", werr)
	}
	if d := s.DamagedFiles(); len(d) != 1 || d[0].Path != path {
		t.Errorf("damaged files %+v, want %s", d, path)
	}
	var day1Batches []int
	for i := 0; i < 40; i += 2 {
		day1Batches = append(day1Batches, i)
	}
	checkBatches(t, s, day1Batches)
}

// TestDamagedFileMetByAWrite puts an unreadable file where a day's
// partition will go while the store runs: the first write to that day
// sets it aside and writes into a new file.
func TestDamagedFileMetByAWrite(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	defer s.Close()
	day2 := t0.Add(24 * time.Hour)
	path := filepath.Join(dir, "parts", partName(day2.UnixNano())+".duckdb")
	if err := os.WriteFile(path, []byte(strings.Repeat("not duckdb", 2000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(t.Context(), fillBatch(1, day2)); err != nil {
		t.Fatalf("write: %v", err)
	}
	checkBatches(t, s, []int{1})
	if d := s.DamagedFiles(); len(d) != 1 || d[0].Path != path {
		t.Errorf("damaged files %+v, want %s", d, path)
	}
}
