package chtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

// RequireEnv is the environment variable that turns a missing ClickHouse
// binary from a skip into a failure (set in CI for cluster tests).
const RequireEnv = "LOOKOUT_TEST_CLUSTER"

// TestingM is what TestMain runs (testing.M, goleak.TestingM).
type TestingM interface{ Run() int }

// Shared is one server for every test of a test binary, started by the
// first test that asks for it and stopped when the tests are done:
//
//	var server chtest.Shared
//
//	func TestMain(m *testing.M) { goleak.VerifyTestMain(server.Wrap(m)) }
//
//	func TestX(t *testing.T) { srv := server.Get(t); ... }
type Shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Wrap returns m with the server's stop after its run: the run fails when
// the server does not stop cleanly.
func (sh *Shared) Wrap(m TestingM) TestingM { return wrapped{sh, m} }

type wrapped struct {
	sh *Shared
	m  TestingM
}

func (w wrapped) Run() int {
	code := w.m.Run()
	w.sh.once.Do(func() {}) // no start after the run
	if w.sh.srv != nil {
		if err := w.sh.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Get returns the shared server, starting it on first use. Without a
// ClickHouse binary it skips t, or fails it when $LOOKOUT_TEST_CLUSTER is
// 1; a server that does not start fails t.
func (sh *Shared) Get(t testing.TB) *Server {
	t.Helper()
	sh.once.Do(func() { sh.srv, sh.err = Start(context.Background(), Options{}) })
	switch {
	case errors.Is(sh.err, ErrNoBinary) && os.Getenv(RequireEnv) != "1":
		t.Skipf("clickhouse: %v (install clickhouse-server or set %s; %s=1 makes this a failure)", sh.err, BinaryEnv, RequireEnv)
	case sh.err != nil:
		t.Fatalf("clickhouse: %v", sh.err)
	case sh.srv == nil:
		t.Fatal("clickhouse: the shared server was asked for after the tests ended")
	}
	return sh.srv
}

// DatabaseName returns a valid database name derived from key (a test's
// directory, say): the same key gives the same name, so reopening a store
// over the same key sees its data.
func DatabaseName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "t_" + hex.EncodeToString(sum[:8])
}
