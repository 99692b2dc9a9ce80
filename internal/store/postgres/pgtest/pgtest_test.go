package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func startOrSkip(t *testing.T) *Cluster {
	t.Helper()
	c, err := Start(context.Background(), DefaultConfig())
	if errors.Is(err, ErrUnavailable) && os.Getenv(RequireEnv) != "1" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestStartStop: a started server takes connections, fresh databases and
// schemas;
// Stop ends it, removes its files and can be called again.
func TestStartStop(t *testing.T) {
	c := startOrSkip(t)
	defer c.Stop()
	ctx := context.Background()
	url := c.Database(t)
	url2 := c.Database(t)
	if url == url2 {
		t.Errorf("two databases at %s", url)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var version string
	err = conn.QueryRow(ctx, `SHOW server_version`).Scan(&version)
	conn.Close(ctx)
	if err != nil || !strings.HasPrefix(version, "15") {
		t.Errorf("server version %q, %v", version, err)
	}
	// Two schemas: each URL sees its own tables only.
	a, b := c.Schema(t), c.Schema(t)
	for _, u := range []string{a, b} {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.Exec(ctx, `CREATE TABLE same_name (x int); INSERT INTO same_name VALUES (1)`)
		var n int
		if err == nil {
			err = conn.QueryRow(ctx, `SELECT count(*) FROM same_name`).Scan(&n)
		}
		conn.Close(ctx)
		if err != nil || n != 1 {
			t.Errorf("schema %s: %d rows, %v", u, n, err)
		}
	}
	dir := c.dir
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still there after Stop: %v", dir, err)
	}
	if conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", c.Port()), time.Second); err == nil {
		conn.Close()
		t.Error("the server still listens after Stop")
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

type fakeM struct{ ran bool }

func (f *fakeM) Run() int { f.ran = true; return 7 }

// TestWrapWithoutServer: without binaries the tests run and skip, or, when
// a server is required, do not run at all.
func TestWrapWithoutServer(t *testing.T) {
	t.Setenv(BinDirEnv, t.TempDir())
	for _, required := range []string{"", "1"} {
		t.Setenv(RequireEnv, required)
		var c *Cluster
		m := &fakeM{}
		code := Wrap(m, &c).Run()
		if required == "1" {
			if code != 1 || m.ran {
				t.Errorf("required: code %d, ran %v; want 1 without running", code, m.ran)
			}
			continue
		}
		if code != 7 || !m.ran || c == nil || c.skip == "" {
			t.Errorf("not required: code %d, ran %v, cluster %+v; want the tests' code and a skipping cluster", code, m.ran, c)
		}
		t.Run("skips", func(t *testing.T) {
			c.Database(t)
			t.Error("Database did not skip")
		})
	}
}

// TestWatchdogStopsOrphan: when the process that started a server dies
// without stopping it (kill -9), the server stops and its files go.
func TestWatchdogStopsOrphan(t *testing.T) {
	if os.Getenv("PGTEST_ORPHAN") == "1" {
		c, err := Start(context.Background(), DefaultConfig())
		if err != nil {
			fmt.Println("ERROR", err)
			os.Exit(1)
		}
		fmt.Printf("READY %d %s\n", c.Port(), c.dir)
		time.Sleep(time.Minute) // killed long before
		os.Exit(0)
	}
	startOrSkip(t).Stop() // the machine can run one
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdogStopsOrphan$")
	cmd.Env = append(os.Environ(), "PGTEST_ORPHAN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var port int
	var dir string
	line, _ := bufio.NewReader(out).ReadString('\n')
	if _, err := fmt.Sscanf(line, "READY %d %s", &port, &dir); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, statErr := os.Stat(dir)
		conn, dialErr := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if dialErr == nil {
			conn.Close()
		}
		if os.IsNotExist(statErr) && dialErr != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("20s after the kill: directory %v, listening %v", statErr, dialErr == nil)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
