package compat

import (
	"context"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-xray-sdk-go/xray"
)

// TestXRayUDPStopCommitsWhatWasRead: the daemon protocol has no
// acknowledgement, so what Lookout promises for UDP is that every datagram
// it has read is committed before a graceful stop (SIGTERM) ends. The real
// aws-xray-sdk-go sends segments from several goroutines; lookout is
// stopped mid-stream; its last word counts the datagrams it read, and after
// a restart exactly that many segments are stored.
func TestXRayUDPStopCommitsWhatWasRead(t *testing.T) {
	dir := t.TempDir()
	in := startLookout(t, dir)
	if err := xray.Configure(xray.Config{DaemonAddr: in.XRayUDP, SamplingStrategy: alwaysSample{}}); err != nil {
		t.Fatal(err)
	}
	// The SDK's logger is left as it is: it is global, and the samplers of
	// earlier tests still read it from their pollers (a data race). Sends
	// after the stop may log a refused connection or two.
	const service = "kill-udp"
	var (
		stop atomic.Bool
		wg   sync.WaitGroup
	)
	for range 3 {
		wg.Go(func() {
			for !stop.Load() {
				_, seg := xray.BeginSegment(context.Background(), service)
				seg.Close(nil)
			}
		})
	}
	// Stop once segments are being committed, while the senders go on.
	for spanCount(t, in, service) == 0 {
		time.Sleep(20 * time.Millisecond)
	}
	in.stop(t)
	stop.Store(true)
	wg.Wait()

	m := regexp.MustCompile(`"msg":"xray: udp stopped".*"datagrams_read":(\d+),"datagrams_dropped":(\d+),"spans_committed":(\d+),"spans_not_committed":(\d+)`).
		FindStringSubmatch(in.logText())
	if m == nil {
		t.Fatalf("no account of the datagrams in the log:\n%s", in.logText())
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	read, dropped, committed, notCommitted := n[0], n[1], n[2], n[3]
	if notCommitted != 0 || committed != read-dropped {
		t.Errorf("read %d datagrams of one segment each, dropped %d, committed %d, not committed %d",
			read, dropped, committed, notCommitted)
	}
	after := startLookout(t, dir)
	if got := spanCount(t, after, service); got != committed {
		t.Errorf("%d segments stored after the restart, %d committed before the stop", got, committed)
	}
	t.Logf("read %d datagrams (%d dropped for want of room), all %d segments committed and stored", read, dropped, committed)
}

// spanCount is the number of spans of service stored in in.
func spanCount(t *testing.T, in *instance, service string) int {
	t.Helper()
	var got struct {
		Services []struct {
			Name      string `json:"name"`
			SpanCount int    `json:"spanCount"`
		} `json:"services"`
	}
	if code := getJSON(t, in.HTTP+"/api/services", &got); code != 200 {
		t.Fatalf("/api/services: %d", code)
	}
	for _, s := range got.Services {
		if s.Name == service {
			return s.SpanCount
		}
	}
	return 0
}
