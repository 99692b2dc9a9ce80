// Package pgtest starts a private, throw-away PostgreSQL server for tests:
// initdb into a temporary directory, pg_ctl start on a free loopback port,
// pg_ctl stop and removal of the directory at the end. When the process
// dies without stopping it (a panic, a test timeout, kill -9), a watchdog
// stops the server and removes its files within a few seconds.
//
// As root the server runs as the user postgres (through runuser), since
// PostgreSQL refuses to run as root; otherwise as the current user.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultBinDir is where Debian's postgresql-15 package installs the server.
const DefaultBinDir = "/usr/lib/postgresql/15/bin"

// ErrUnavailable is returned by Start when this machine cannot run a
// server: the binaries are missing, or the process runs as root and there
// is no user postgres or no runuser to switch to it.
var ErrUnavailable = errors.New("postgresql unavailable")

// Config says where the server binaries are and how long to wait.
type Config struct {
	BinDir       string        // holds initdb, pg_ctl and postgres
	StartTimeout time.Duration // initdb plus start, each
	StopTimeout  time.Duration // a fast shutdown before an immediate one
}

// DefaultConfig uses Debian's PostgreSQL 15 and waits up to a minute.
func DefaultConfig() Config {
	return Config{BinDir: DefaultBinDir, StartTimeout: time.Minute, StopTimeout: 30 * time.Second}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.BinDir == "":
		return errors.New("pgtest: BinDir must be set")
	case c.StartTimeout <= 0 || c.StopTimeout <= 0:
		return errors.New("pgtest: timeouts must be positive")
	}
	return nil
}

// Superuser is the role initdb creates; tests connect as it, without a
// password (trust authentication on loopback only).
const Superuser = "postgres"

// Cluster is one running server. Its methods are safe for concurrent use.
type Cluster struct {
	cfg      Config
	dir      string   // the temporary directory holding everything
	data     string   // the data directory
	run      string   // socket directory and server log, owned by the server's user
	port     int      // on 127.0.0.1
	prefix   []string // runs a command as the server's user ("runuser -u postgres --" as root)
	watchdog *exec.Cmd
	skip     string  // why tests skip: set on a Cluster that could not start
	dbs      dbNames // names of databases and schemas
	sharedMu sync.Mutex
	shared   bool // the database of Schema exists
}

// Start creates a data directory and starts a server in it. Errors wrap
// ErrUnavailable when the machine cannot run one at all.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg}
	if err := c.checkMachine(); err != nil {
		return nil, err
	}
	if err := c.makeDirs(); err != nil {
		return nil, err
	}
	if err := c.initdb(ctx); err != nil {
		c.removeDir()
		return nil, err
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ { // another process may take the free port first
		if err = c.start(ctx); err == nil {
			break
		}
	}
	if err != nil {
		c.removeDir()
		return nil, err
	}
	if err := c.startWatchdog(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// checkMachine finds the binaries and the user to run them as.
func (c *Cluster) checkMachine() error {
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(c.cfg.BinDir, b)); err != nil {
			return fmt.Errorf("pgtest: %s not found in %s (install postgresql-15): %w", b, c.cfg.BinDir, ErrUnavailable)
		}
	}
	if os.Geteuid() != 0 {
		return nil
	}
	if _, err := user.Lookup("postgres"); err != nil {
		return fmt.Errorf("pgtest: running as root and there is no user postgres to run the server as: %w", ErrUnavailable)
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		return fmt.Errorf("pgtest: running as root and runuser is missing: %w", ErrUnavailable)
	}
	c.prefix = []string{runuser, "-u", "postgres", "--"}
	return nil
}

// makeDirs creates <tmp>/lookout-pg-*/{data,run}: the top directory is
// searchable by all (0711) so that the server's user reaches its two
// directories, which it owns.
func (c *Cluster) makeDirs() error {
	base := os.TempDir()
	if c.prefix != nil && !searchable(base) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "lookout-pg-")
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	c.dir, c.data, c.run = dir, filepath.Join(dir, "data"), filepath.Join(dir, "run")
	err = os.Chmod(dir, 0o711)
	for _, d := range []string{c.data, c.run} {
		if err == nil {
			err = os.Mkdir(d, 0o700)
		}
		if err == nil && c.prefix != nil {
			err = chownToPostgres(d)
		}
	}
	if err != nil {
		c.removeDir()
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// searchable reports whether every directory from dir up to / lets other
// users through.
func searchable(dir string) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func chownToPostgres(path string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return err
	}
	return os.Chown(path, uid, gid)
}

func (c *Cluster) initdb(ctx context.Context) error {
	_, err := c.command(ctx, c.cfg.StartTimeout, "initdb", "-D", c.data, "-A", "trust", "-U", Superuser,
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	return err
}

// start runs pg_ctl start on a free port and waits until the server
// accepts connections.
func (c *Cluster) start(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return fmt.Errorf("pgtest: free port: %w", err)
	}
	c.port = port
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", port, c.run)
	_, err = c.command(ctx, c.cfg.StartTimeout, "pg_ctl", "-D", c.data, "-l", c.logPath(), "-w",
		"-t", strconv.Itoa(int(c.cfg.StartTimeout.Seconds())), "-o", opts, "start")
	if err != nil {
		return fmt.Errorf("%w\nserver log:\n%s", err, c.logTail())
	}
	return nil
}

// Stop stops the server (a fast shutdown, or an immediate one when that
// does not finish in time) and removes its directory. It is safe to call
// more than once.
func (c *Cluster) Stop() error {
	if c == nil || c.dir == "" {
		return nil
	}
	if c.watchdog != nil {
		// The watchdog runs in its own process group: end it and its sleep.
		_ = syscall.Kill(-c.watchdog.Process.Pid, syscall.SIGKILL)
		_ = c.watchdog.Wait()
		c.watchdog = nil
	}
	ctx := context.Background()
	t := strconv.Itoa(int(c.cfg.StopTimeout.Seconds()))
	_, err := c.command(ctx, c.cfg.StopTimeout+5*time.Second, "pg_ctl", "-D", c.data, "-m", "fast", "-w", "-t", t, "stop")
	if err != nil {
		if _, err2 := c.command(ctx, c.cfg.StopTimeout, "pg_ctl", "-D", c.data, "-m", "immediate", "-w", "-t", t, "stop"); err2 == nil {
			err = nil
		}
	}
	c.removeDir()
	return err
}

func (c *Cluster) removeDir() {
	if c.dir != "" {
		os.RemoveAll(c.dir)
		c.dir = ""
	}
}

// startWatchdog starts a shell, in a process group of its own, that stops
// the server and removes its directory once this process is gone. Stop
// ends it first.
func (c *Cluster) startWatchdog() error {
	stop := strings.Join(append(append([]string{}, c.prefix...), filepath.Join(c.cfg.BinDir, "pg_ctl"),
		"-D", c.data, "-m", "immediate", "-w", "-t", "30", "stop"), " ")
	script := `while kill -0 "$1" 2>/dev/null; do sleep 1; done; ` + stop + ` >/dev/null 2>&1; rm -rf "$2"`
	cmd := exec.Command("/bin/sh", "-c", script, "pgtest-watchdog", strconv.Itoa(os.Getpid()), c.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: watchdog: %w", err)
	}
	c.watchdog = cmd
	return nil
}

// command runs a server binary as the server's user, bounded by timeout,
// and returns its output; the error quotes the output.
func (c *Cluster) command(ctx context.Context, timeout time.Duration, bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	argv := append(append(append([]string{}, c.prefix...), filepath.Join(c.cfg.BinDir, bin)), args...)
	// Output goes to a file, not a pipe: pg_ctl leaves the server running,
	// and a pipe it inherited would keep Wait waiting.
	out, err := os.CreateTemp("", "pgtest-out-")
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	b, _ := os.ReadFile(out.Name())
	if err != nil {
		return string(b), fmt.Errorf("pgtest: %s: %w\n%s", bin, err, b)
	}
	return string(b), nil
}

func (c *Cluster) logPath() string { return filepath.Join(c.run, "postgres.log") }

// logTail returns the end of the server log, for error messages.
func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(c.logPath())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Port is the server's TCP port on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// URL is the connection URL of database db, as the superuser.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.port, db)
}
