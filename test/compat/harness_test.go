// Package compat holds the end-to-end tests: a real lookout process, built
// from this tree, and the official client libraries talking to it over
// loopback.
package compat

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var lookoutBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lookout-compat")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lookoutBin = filepath.Join(dir, "lookout")
	build := exec.Command("go", "build", "-o", lookoutBin, "lookout/cmd/lookout")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build lookout:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// instance is a running lookout process.
type instance struct {
	cmd      *exec.Cmd
	HTTP     string // base URL of the main port
	OTLPGRPC string // host:port
	OTLPHTTP string // base URL
	XRayUDP  string // host:port of the daemon protocol
	XRayAPI  string // base URL of the X-Ray API
	DataDir  string
	done     chan struct{}
	logMu    sync.Mutex
	log      strings.Builder
}

// startLookout starts lookout on dataDir with every port chosen by the
// kernel, and waits until it says where it listens and /readyz answers.
func startLookout(t *testing.T, dataDir string, extraArgs ...string) *instance {
	t.Helper()
	args := append([]string{"serve",
		"--data-dir", dataDir,
		"--http-addr", "127.0.0.1:0",
		"--otlp-grpc-addr", "127.0.0.1:0",
		"--otlp-http-addr", "127.0.0.1:0",
		"--xray-addr", "127.0.0.1:0",
		"--log-format", "json",
	}, extraArgs...)
	cmd := exec.Command(lookoutBin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd, DataDir: dataDir, done: make(chan struct{})}
	started := make(chan map[string]any, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			in.logMu.Lock()
			in.log.WriteString(line + "\n")
			in.logMu.Unlock()
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "lookout started" {
				started <- rec
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { cmd.Wait(); close(in.done) }()
	t.Cleanup(func() {
		in.stop(t)
		if t.Failed() {
			t.Logf("lookout log:\n%s", in.logText())
		}
	})
	select {
	case rec := <-started:
		in.HTTP = "http://" + rec["http"].(string)
		in.OTLPGRPC = rec["otlp_grpc"].(string)
		in.OTLPHTTP = "http://" + rec["otlp_http"].(string)
		in.XRayUDP = rec["xray_udp"].(string)
		in.XRayAPI = "http://" + rec["xray_api"].(string)
	case <-in.done:
		t.Fatalf("lookout exited before starting:\n%s", in.logText())
	case <-time.After(60 * time.Second):
		t.Fatalf("lookout did not start within 60s:\n%s", in.logText())
	}
	for i := 0; ; i++ {
		resp, err := http.Get(in.HTTP + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if i == 200 {
			t.Fatalf("lookout not ready after 10s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return in
}

func (in *instance) logText() string {
	in.logMu.Lock()
	defer in.logMu.Unlock()
	return in.log.String()
}

// stop asks lookout to shut down and waits for it.
func (in *instance) stop(t *testing.T) {
	select {
	case <-in.done:
		return
	default:
	}
	in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(60 * time.Second):
		in.cmd.Process.Kill()
		<-in.done
		t.Errorf("lookout did not stop within 60s of SIGTERM")
	}
}

// kill ends lookout with SIGKILL: no shutdown code runs.
func (in *instance) kill() {
	in.cmd.Process.Kill()
	<-in.done
}

// getJSON fetches url and decodes a JSON body into v, returning the status.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: decode %q: %v", url, body, err)
		}
	}
	return resp.StatusCode
}
