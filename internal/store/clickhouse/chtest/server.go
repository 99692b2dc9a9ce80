// Package chtest starts a private ClickHouse server for tests: its own
// configuration, data directory and free ports on 127.0.0.1, stopped and
// deleted when the tests end. Tests of any package that need ClickHouse
// share one server per test binary through Shared.
package chtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// BinaryEnv names the environment variable that points the tests at a
// server binary.
const BinaryEnv = "LOOKOUT_CLICKHOUSE_SERVER"

// ErrNoBinary is returned by Start when no ClickHouse server binary is found.
var ErrNoBinary = errors.New("no clickhouse-server binary found")

// Options configure Start. The zero value works.
type Options struct {
	// Binary is the server executable: clickhouse-server, or the single
	// clickhouse binary (run as "clickhouse server"). Empty means
	// $LOOKOUT_CLICKHOUSE_SERVER when set, else clickhouse-server or
	// clickhouse on $PATH or in /usr/sbin and /usr/bin.
	Binary string
	// StartTimeout bounds the wait for the server to answer a ping; 0
	// means 60 seconds.
	StartTimeout time.Duration
}

// Server is a running ClickHouse server owned by the caller, who must Stop it.
type Server struct {
	// Addr is host:port of the native protocol.
	Addr string
	dir  string
	cmd  *exec.Cmd
	// exited is closed when the process has exited; waitErr is then its
	// exit status.
	exited  chan struct{}
	waitErr error
}

// FindBinary returns the server executable Options.Binary names or the
// default search finds, and the arguments that run it as a server.
func FindBinary(binary string) (path string, args []string, err error) {
	if binary == "" {
		binary = os.Getenv(BinaryEnv)
	}
	candidates := []string{binary}
	if binary == "" {
		candidates = []string{"clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server", "clickhouse", "/usr/bin/clickhouse"}
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if filepath.Base(p) == "clickhouse" {
			return p, []string{"server"}, nil
		}
		return p, nil, nil
	}
	return "", nil, ErrNoBinary
}

// Start runs a server in a fresh temporary directory and waits until it
// answers a ping on the native port. Ports are picked free just before the
// start; a start that loses the race for one is retried.
func Start(ctx context.Context, opt Options) (*Server, error) {
	bin, args, err := FindBinary(opt.Binary)
	if err != nil {
		return nil, err
	}
	timeout := opt.StartTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	var errs []error
	for range 3 {
		s, err := start(ctx, bin, args, timeout)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
		if !strings.Contains(err.Error(), "already in use") {
			break
		}
	}
	return nil, errors.Join(errs...)
}

func start(ctx context.Context, bin string, args []string, timeout time.Duration) (*Server, error) {
	dir, err := os.MkdirTemp("", "lookout-clickhouse-")
	if err != nil {
		return nil, fmt.Errorf("clickhouse test server: %w", err)
	}
	ports, err := freePorts(3)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("clickhouse test server: %w", err)
	}
	cfg, err := writeConfig(dir, ports[0], ports[1], ports[2])
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("clickhouse test server: %w", err)
	}
	out, err := os.Create(filepath.Join(dir, "log", "stdout.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("clickhouse test server: %w", err)
	}
	defer out.Close()
	cmd := exec.Command(bin, append(args, "--config-file="+cfg)...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("clickhouse test server: start %s: %w", bin, err)
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])), dir: dir, cmd: cmd, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, timeout); err != nil {
		err = fmt.Errorf("clickhouse test server: %w\n%s", err, s.LogTail())
		s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady pings the server until it answers, it exits or time runs out.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := s.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("server exited: %v", s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("no answer within %s: %w", timeout, err)
		case <-tick.C:
		}
	}
}

func (s *Server) ping(ctx context.Context) error {
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{s.Addr}, DialTimeout: time.Second})
	if err != nil {
		return err
	}
	defer conn.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return conn.Ping(pctx)
}

// URL returns the address of database on the server in the form
// clickhouse://127.0.0.1:port/database.
func (s *Server) URL(database string) string {
	return "clickhouse://" + s.Addr + "/" + database
}

// PID is the server's process id, for its CPU figures.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// DataDir is the directory the server keeps its databases in (one
// subdirectory per database), for their size on disk.
func (s *Server) DataDir() string { return filepath.Join(s.dir, "data", "data") }

// LogTail returns the end of the server's output and error log, for
// failure messages.
func (s *Server) LogTail() string {
	var b strings.Builder
	for _, f := range []string{"stdout.log", "server.err.log"} {
		data, err := os.ReadFile(filepath.Join(s.dir, "log", f))
		if err != nil || len(data) == 0 {
			continue
		}
		if len(data) > 4000 {
			data = data[len(data)-4000:]
		}
		fmt.Fprintf(&b, "--- %s ---\n%s\n", f, data)
	}
	return b.String()
}

// Stop ends the server (SIGTERM, SIGKILL after 30 seconds) and deletes its
// directory. It is safe to call more than once.
func (s *Server) Stop() error {
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("clickhouse test server: %w", err)
	}
	return nil
}

// freePorts returns n distinct TCP ports free on 127.0.0.1 at the time of
// the call.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
