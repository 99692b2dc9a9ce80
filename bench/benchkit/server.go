// Package benchkit is what the benchmark drivers share: starting a lookout
// binary on kernel-chosen ports, reading its own figures from /metrics and
// /proc, and measuring its data directory.
package benchkit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is the lookout under test: one Start started, or one already
// running that a driver describes itself (then Cmd is nil and Pid may be 0).
type Server struct {
	Cmd      *exec.Cmd
	Pid      int
	HTTP     string        // base URL of the main port
	OTLPGRPC string        // host:port
	OTLPHTTP string        // base URL
	XRayUDP  string        // host:port of the X-Ray daemon protocol
	Ready    time.Duration // from exec to /readyz answering 200

	done  chan struct{}
	logMu sync.Mutex
	tail  []string // last lines of its log
}

// Start runs `bin serve` on dataDir with every port chosen by the
// kernel, reads the addresses from its "lookout started" log line and waits
// for /readyz.
func Start(bin, dataDir string, extra ...string) (*Server, error) {
	args := append([]string{"serve",
		"--data-dir", dataDir,
		"--http-addr", "127.0.0.1:0",
		"--otlp-grpc-addr", "127.0.0.1:0",
		"--otlp-http-addr", "127.0.0.1:0",
		"--xray-addr", "127.0.0.1:0",
		"--log-format", "json",
		"--retention", "7d",
		"--max-disk", "0",
	}, extra...)
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{Cmd: cmd, Pid: cmd.Process.Pid, done: make(chan struct{})}
	started := make(chan map[string]any, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.logMu.Lock()
			s.tail = append(s.tail, line)
			if len(s.tail) > 50 {
				s.tail = s.tail[1:]
			}
			s.logMu.Unlock()
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "lookout started" {
				started <- rec
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()

	select {
	case rec := <-started:
		str := func(k string) string { v, _ := rec[k].(string); return v }
		s.HTTP, s.OTLPGRPC, s.OTLPHTTP = "http://"+str("http"), str("otlp_grpc"), "http://"+str("otlp_http")
		s.XRayUDP = str("xray_udp")
	case <-s.done:
		return nil, fmt.Errorf("lookout exited before starting:\n%s", s.LogTail())
	case <-time.After(10 * time.Minute):
		s.Kill()
		return nil, fmt.Errorf("lookout did not start within 10m:\n%s", s.LogTail())
	}
	if err := waitReady(s.HTTP, time.Minute); err != nil {
		s.Kill()
		return nil, err
	}
	s.Ready = time.Since(t0)
	return s, nil
}

func waitReady(base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz not 200 after %s: %v", base, limit, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// LogTail returns the last lines the server logged.
func (s *Server) LogTail() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return strings.Join(s.tail, "\n")
}

// Stop sends SIGTERM and waits for a clean exit.
func (s *Server) Stop() error {
	if s.Cmd == nil {
		return nil
	}
	if err := s.Cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-s.done:
	case <-time.After(5 * time.Minute):
		s.Kill()
		return errors.New("lookout did not stop within 5m of SIGTERM")
	}
	if st := s.Cmd.ProcessState; st != nil && !st.Success() {
		return fmt.Errorf("lookout exited with %s:\n%s", st, s.LogTail())
	}
	return nil
}

// Kill ends the process with SIGKILL and waits for it.
func (s *Server) Kill() {
	if s.Cmd != nil {
		_ = s.Cmd.Process.Kill()
		<-s.done
	}
}

// userHZ is the kernel's clock tick for /proc times (USER_HZ, 100 on Linux).
const userHZ = 100

// ProcCPU returns the user+system CPU seconds the process used so far.
func ProcCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the ")" that ends the command name; utime and stime are
	// fields 14 and 15 of the whole line.
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: short line", pid)
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return (ut + st) / userHZ, nil
}

// ProcStatus returns a /proc/PID/status memory figure (VmHWM, VmRSS) in bytes.
func ProcStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				n, err := strconv.ParseInt(f[0], 10, 64)
				return n << 10, err
			}
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no %s", pid, field)
}

// MachineBusy returns the CPU seconds all processes on the machine have used
// since boot (user, nice, system, irq, softirq, steal), to tell how much of
// the machine others took during a run.
func MachineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var sum float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		sum += v
	}
	return sum / userHZ
}
