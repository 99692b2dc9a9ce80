package compat

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

var diskWriters = []string{"otlp-grpc", "otlp-http", "rollbar", "cwlogs"}

// waitFor polls cond every 100ms, at most n times.
func waitFor(n int, cond func() bool) bool {
	for range n {
		if cond() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cond()
}

// alive reports whether the lookout process is still running.
func (in *instance) alive() bool { return in.Cmd.Process.Signal(syscall.Signal(0)) == nil }

func createCWStream(t *testing.T, in *instance) {
	t.Helper()
	c := cwClient(in)
	if _, err := c.CreateLogGroup(context.Background(), &cwl.CreateLogGroupInput{LogGroupName: aws.String(cwGroup)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(context.Background(), &cwl.CreateLogStreamInput{LogGroupName: aws.String(cwGroup),
		LogStreamName: aws.String(cwStream)}); err != nil {
		t.Fatal(err)
	}
}

// TestFullDiskLosesNothingAcknowledged runs writers of four protocols
// against lookout on a 64 MiB file system with no free-space reserve, so
// that its commits meet the full disk: lookout must stay up, refuse with
// each protocol's retryable error, take writes again by itself once space
// is back, and after a restart hold every item it acknowledged, whole.
func TestFullDiskLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a file system")
	}
	dir := smallDisk(t, "64m")
	in := startLookout(t, dir, "--min-free-disk", "0")
	createCWStream(t, in)
	a := newAcks()
	var w writers
	w.start(t, in, a)
	defer w.halt()

	// Full: every writer failed (the disk may be full before all of them
	// have tried), and failures go on for a while.
	failedAll := func(atLeast int) bool {
		for _, name := range diskWriters {
			if a.failures(name) < atLeast {
				return false
			}
		}
		return true
	}
	if !waitFor(1800, func() bool { return failedAll(1) || !in.alive() }) {
		t.Fatalf("the disk did not fill in 3 minutes: %d bytes free", freeBytes(t, dir))
	}
	waitFor(100, func() bool { return failedAll(5) || !in.alive() })
	if !in.alive() {
		t.Fatalf("lookout died on a full disk:\n%s", in.logText())
	}

	// Space is back: every writer is taken again, with no restart.
	growDisk(t, dir, "512m")
	before := map[string]int{}
	for _, name := range diskWriters {
		before[name], _ = a.counts(name)
	}
	recovered := waitFor(1200, func() bool {
		for _, name := range diskWriters {
			if n, _ := a.counts(name); n < before[name]+3 {
				return false
			}
		}
		return true
	})
	w.halt()
	if !in.alive() {
		t.Fatalf("lookout died:\n%s", in.logText())
	}
	for _, name := range diskWriters {
		acked, refused := a.counts(name)
		t.Logf("%s: %d acknowledged, %d refused", name, acked, refused)
	}
	if !recovered {
		t.Errorf("writes not taken again within 2 minutes of space coming back")
	}
	if len(a.unexpected) > 0 {
		t.Errorf("failures other than the protocols' retryable errors:\n%s", strings.Join(a.unexpected, "\n"))
	}
	checkAcked(t, in, a)

	in.stop(t)
	after := startLookout(t, dir, "--min-free-disk", "0")
	checkAcked(t, after, a)
}

// TestDiskReserveRefusesBeforeFull keeps 40 MiB free on a 64 MiB file
// system: writes are refused with the retryable errors before the disk is
// full, /api/status and /metrics say so, and writes are taken again once
// the file system grows.
func TestDiskReserveRefusesBeforeFull(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a file system")
	}
	dir := smallDisk(t, "64m")
	in := startLookout(t, dir, "--min-free-disk", "40MiB")
	createCWStream(t, in)
	a := newAcks()
	var w writers
	w.start(t, in, a)
	refusing := func() bool {
		var st struct {
			Disk struct {
				Refusing bool `json:"refusingWrites"`
			} `json:"disk"`
		}
		return getJSON(t, in.HTTP+"/api/status", &st) == 200 && st.Disk.Refusing
	}
	if !waitFor(1800, refusing) {
		w.halt()
		t.Fatalf("writes not refused in 3 minutes: %d bytes free", freeBytes(t, dir))
	}
	if !waitFor(300, func() bool {
		for _, name := range diskWriters {
			if _, r := a.counts(name); r == 0 {
				return false
			}
		}
		return true
	}) {
		for _, name := range diskWriters {
			acked, refused := a.counts(name)
			t.Logf("%s: %d acknowledged, %d refused", name, acked, refused)
		}
		t.Errorf("not every writer was refused")
	}
	if free := freeBytes(t, dir); free < 8<<20 {
		t.Errorf("%d bytes free while refusing: the reserve did not hold", free)
	}
	if m := get(t, in.HTTP+"/metrics"); !strings.Contains(m, "lookout_disk_refusing_writes 1") ||
		!strings.Contains(m, `reason="disk_full"`) {
		t.Errorf("metrics:\n%s", grep(m, "disk"))
	}

	growDisk(t, dir, "512m")
	if !waitFor(600, func() bool { return !refusing() }) {
		t.Errorf("still refusing after the file system grew")
	}
	before, _ := a.counts("otlp-grpc")
	if !waitFor(600, func() bool { n, _ := a.counts("otlp-grpc"); return n > before }) {
		t.Errorf("writes not taken again once space was back")
	}
	w.halt()
	if len(a.unexpected) > 0 {
		t.Errorf("failures other than the protocols' retryable errors:\n%s", strings.Join(a.unexpected, "\n"))
	}
	if strings.Contains(in.logText(), "No space left on device") {
		t.Errorf("a commit met the full disk despite the reserve:\n%s", grep(in.logText(), "No space"))
	}
	checkAcked(t, in, a)
}
