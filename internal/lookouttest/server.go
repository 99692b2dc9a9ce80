package lookouttest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrStopTimeout means the process did not exit within StopTimeout of
// SIGTERM; Stop killed it.
var ErrStopTimeout = errors.New("lookout did not stop")

// Server is a lookout process. One that Start returned owns its process;
// a Server a caller fills in itself describes a lookout running elsewhere:
// Cmd is nil, Stop and Kill do nothing and Log is empty.
type Server struct {
	Cmd      *exec.Cmd
	Pid      int
	HTTP     string        // base URL of the main port
	OTLPGRPC string        // host:port; "" when off
	OTLPHTTP string        // base URL; "" when off
	XRayUDP  string        // host:port of the X-Ray daemon protocol; "" when off
	XRayAPI  string        // base URL of the X-Ray API; "" when off
	Ready    time.Duration // from exec to /readyz answering 200

	cfg   Config
	done  chan struct{} // closed when the process has exited
	logMu sync.Mutex
	log   []string
}

// Start runs the binary as cfg says and returns once /readyz answered 200.
// On any failure the process is gone when Start returns, and the error
// carries the log.
func Start(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("lookout config: %w", err)
	}
	cmd := exec.Command(cfg.Bin, cfg.args()...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cfg.Bin, err)
	}
	s := &Server{Cmd: cmd, Pid: cmd.Process.Pid, cfg: cfg, done: make(chan struct{})}
	started := make(chan map[string]any, 1)
	go func() {
		// Wait closes the pipe: only once everything written was read.
		s.read(stderr, started)
		_ = cmd.Wait()
		close(s.done)
	}()

	select {
	case rec := <-started:
		s.addresses(rec)
	case <-s.done:
		return nil, fmt.Errorf("lookout exited before starting:\n%s", s.Log())
	case <-time.After(cfg.StartTimeout):
		s.Kill()
		return nil, fmt.Errorf("lookout did not start within %s:\n%s", cfg.StartTimeout, s.Log())
	}
	if err := s.waitReady(); err != nil {
		s.Kill()
		return nil, fmt.Errorf("%w:\n%s", err, s.Log())
	}
	s.Ready = time.Since(t0)
	return s, nil
}

// read keeps the log lines of stderr and hands the first "lookout started"
// record to started.
func (s *Server) read(stderr io.Reader, started chan<- map[string]any) {
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		s.logMu.Lock()
		s.log = append(s.log, line)
		if n := s.cfg.LogLines; n > 0 && len(s.log) > n {
			s.log = s.log[len(s.log)-n:]
		}
		s.logMu.Unlock()
		if s.cfg.Watch != nil {
			s.cfg.Watch(line)
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "lookout started" {
			select {
			case started <- rec:
			default:
			}
		}
	}
	_, _ = io.Copy(io.Discard, stderr)
}

// addresses fills the listeners' addresses from the "lookout started" record.
func (s *Server) addresses(rec map[string]any) {
	addr := func(k string) string { v, _ := rec[k].(string); return v }
	url := func(k string) string {
		if a := addr(k); a != "" {
			return "http://" + a
		}
		return ""
	}
	s.HTTP, s.OTLPGRPC, s.OTLPHTTP = url("http"), addr("otlp_grpc"), url("otlp_http")
	s.XRayUDP, s.XRayAPI = addr("xray_udp"), url("xray_api")
}

func (s *Server) waitReady() error {
	deadline := time.Now().Add(s.cfg.ReadyTimeout)
	for {
		resp, err := http.Get(s.HTTP + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/readyz not 200 after %s: %w", s.HTTP, s.cfg.ReadyTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Log returns the log lines kept so far (see Config.LogLines).
func (s *Server) Log() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return strings.Join(s.log, "\n")
}

// Stop sends SIGTERM and waits for the exit. Past StopTimeout it kills the
// process and returns an error wrapping ErrStopTimeout. Otherwise it returns
// nil after a clean exit and an error naming the exit status, with the log,
// after any other, including when the process had ended before.
func (s *Server) Stop() error {
	if s.Cmd == nil {
		return nil
	}
	if err := s.Cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal lookout: %w", err)
	}
	select {
	case <-s.done:
	case <-time.After(s.cfg.StopTimeout):
		s.Kill()
		return fmt.Errorf("%w within %s of SIGTERM", ErrStopTimeout, s.cfg.StopTimeout)
	}
	if st := s.Cmd.ProcessState; st != nil && !st.Success() {
		return fmt.Errorf("lookout exited with %s:\n%s", st, s.Log())
	}
	return nil
}

// Kill ends the process with SIGKILL, so that no shutdown code runs, and
// waits for it. A process that has already exited is left as it is.
func (s *Server) Kill() {
	if s.Cmd != nil {
		_ = s.Cmd.Process.Kill()
		<-s.done
	}
}
