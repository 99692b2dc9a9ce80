package duckdb

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"lookout/internal/model"
)

const killChildEnv = "LOOKOUT_KILL9_CHILD_DIR"

// TestKill9 writes batches in a child process that prints the number of
// each batch once Write has returned, kills the child with SIGKILL while it
// writes, reopens the store and checks that every acknowledged batch is
// there in full. (A process kill keeps the OS page cache; the fsync part of
// durability was checked with strace, see Write.)
func TestKill9(t *testing.T) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		killChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9$", "-test.v")
	cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(time.Minute)
	for sc.Scan() && time.Now().Before(deadline) {
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "acked %d", &n); err == nil {
			acked = n
			if n >= 30 {
				break
			}
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if acked < 0 {
		t.Fatal("the child acknowledged no batch")
	}
	s := openTest(t, dir)
	defer s.Close()
	for i := 0; i <= acked; i++ {
		spans, err := s.Trace(t.Context(), "p", killTrace(i))
		if err != nil || len(spans) != 100 {
			t.Errorf("acknowledged batch %d: %d of 100 spans after kill -9 (%v)", i, len(spans), err)
		}
	}
	t.Logf("%d acknowledged batches survived kill -9", acked+1)
}

func killTrace(i int) model.TraceID { return model.TraceID{0xee, byte(i >> 8), byte(i)} }

func killChild(t *testing.T, dir string) {
	s := openTest(t, dir)
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	for i := 0; ; i++ {
		var spans []model.Span
		for k := range 100 {
			sp := testSpan(0, day.Add(time.Duration(i)*time.Minute))
			sp.TraceID, sp.SpanID = killTrace(i), model.SpanID{byte(k), 1}
			spans = append(spans, sp)
		}
		if err := s.Write(context.Background(), &model.Batch{Spans: spans}); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("acked " + strconv.Itoa(i) + "\n")
	}
}
