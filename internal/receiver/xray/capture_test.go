package xray

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "regenerate testdata/sdk by running aws-xray-sdk-go")

// sdkDir holds segment documents captured from aws-xray-sdk-go, one per
// file, named <scenario>_<entity name>[_sub].json (_sub: an independently
// sent subsegment). Regenerate with: go test -run TestCaptureSDK -update
const sdkDir = "testdata/sdk"

// TestCaptureSDK runs the instrumented app against a plain UDP socket and
// writes what the SDK sent, as the daemon would have received it.
func TestCaptureSDK(t *testing.T) {
	if !*update {
		t.Skip("captures are regenerated with -update")
	}
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got [][]byte
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1<<16)
		for {
			n, _, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			mu.Lock()
			got = append(got, bytes.Clone(buf[:n]))
			mu.Unlock()
		}
	}()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
	app := startSDKApp(t, conn.LocalAddr().String())

	old, _ := filepath.Glob(filepath.Join(sdkDir, "*.json"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	seen := map[string]bool{}
	for _, r := range sdkRequests {
		from := count()
		app.do(t, r)
		to := waitIdle(count, 300*time.Millisecond, 5*time.Second)
		mu.Lock()
		batch := got[from:to]
		mu.Unlock()
		if len(batch) == 0 {
			t.Fatalf("%s: the SDK sent nothing", r.scenario)
		}
		for _, dg := range batch {
			body, e := splitDatagram(dg)
			if e != nil {
				t.Fatalf("%s: %v", r.scenario, e)
			}
			name := captureName(r.scenario, body, seen)
			if err := os.WriteFile(filepath.Join(sdkDir, name), append(bytes.TrimSpace(body), '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("captured %s (%d bytes)", name, len(body))
		}
	}
	_ = conn.Close()
	<-done
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

func captureName(scenario string, body []byte, seen map[string]bool) string {
	var d struct{ Name, Type string }
	_ = json.Unmarshal(body, &d)
	base := scenario + "_" + unsafeName.ReplaceAllString(d.Name, "-")
	if d.Type == "subsegment" {
		base += "_sub"
	}
	name := base + ".json"
	for i := 2; seen[name]; i++ {
		name = fmt.Sprintf("%s_%d.json", base, i)
	}
	seen[name] = true
	return name
}
