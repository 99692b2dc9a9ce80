package compat

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Keys of the tests that configure credentials.
const (
	operatorKey = "operator-key-0123456789"    // --api-keys for every project
	keyA        = "project-a-key-0123456789"   // --api-keys for project a
	keyB        = "project-b-key-0123456789"   // --api-keys for project b
	ingestKeyB  = "ingest-b-key-0123456789"    // --otlp-keys for project b
	awsKeyID    = "AKIDLOOKOUTTEST"            // --aws-access-keys, project b
	awsSecret   = "lookout-test-secret-access" //
)

// httpCall is one request of a test that speaks HTTP itself: a browser's,
// or one no SDK would send.
type httpCall struct {
	method, url string
	headers     map[string]string
	body        string
}

// do sends c without following redirects and returns the status, the body
// and the reply's headers.
func (c httpCall) do(t *testing.T) (int, string, http.Header) {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(t.Context(), method, c.url, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, c.url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// bearerKey is the header that carries an API key.
func bearerKey(key string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + key}
}

// nonLoopbackIP is an IPv4 address of this machine outside loopback, or
// skips the test: a client connecting to it is not a loopback client.
func nonLoopbackIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("no interface addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsGlobalUnicast() && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address to listen on: the test needs one to be a client beyond loopback")
	return ""
}

// onAddress are the listener flags that put every listener of Lookout on ip.
func onAddress(ip string) []string {
	return []string{"--http-addr", ip + ":0", "--otlp-grpc-addr", ip + ":0", "--otlp-http-addr", ip + ":0", "--xray-addr", ip + ":0"}
}
