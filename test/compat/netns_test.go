package compat

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Tests of clients beyond loopback run in a network namespace of their
// own: the test binary runs the test again under unshare(1), in a new
// namespace whose only interface, lo, also holds netnsAddr. An address
// outside 127.0.0.0/8 is not loopback to Lookout, whichever interface holds
// it, and nothing outside the namespace can reach it or is touched.
const (
	netnsEnv  = "LOOKOUT_TEST_NETNS"  // set in the test run in the namespace
	binEnv    = "LOOKOUT_TEST_BINARY" // the lookout built by the parent
	netnsAddr = "192.0.2.1"           // TEST-NET-1 (RFC 5737)
)

var netnsOK = sync.OnceValue(func() bool {
	return exec.Command("unshare", "--net", "--", "true").Run() == nil
})

// beyondLoopback returns an address a client beyond loopback reaches
// Lookout on, with done false, when the test runs in its own network
// namespace. Otherwise it runs the test again in one and returns done
// true: the caller returns, its verdict already given by that run. Where
// namespaces are not permitted it falls back to an address of this
// machine's, or skips the test saying why.
func beyondLoopback(t *testing.T) (ip string, done bool) {
	t.Helper()
	if os.Getenv(netnsEnv) == "1" {
		return netnsAddr, false
	}
	if !netnsOK() {
		t.Logf("unshare --net is not permitted here (it needs root or user namespaces): using this machine's own address")
		return nonLoopbackIP(t), false
	}
	setup := "ip link set lo up && ip addr add " + netnsAddr + "/32 dev lo && exec \"$0\" \"$@\""
	cmd := exec.Command("unshare", "--net", "--", "sh", "-c", setup, os.Args[0],
		"-test.run", "^"+regexp.QuoteMeta(t.Name())+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), netnsEnv+"=1", binEnv+"="+lookoutBin)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("in a network namespace of its own: %v\n%s", err, out)
	}
	t.Logf("passed in a network namespace of its own, listening on %s", netnsAddr)
	return "", true
}
