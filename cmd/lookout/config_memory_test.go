package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestMemoryAndProxyFlags: --max-queued-bytes, --heap-limit and --public-url
// with their defaults, values and refusals.
func TestMemoryAndProxyFlags(t *testing.T) {
	for _, tc := range []struct {
		name        string
		args        []string
		env         map[string]string
		queuedBytes int64
		heapLimit   int64
		publicURL   string
		wantErr     string
	}{
		{name: "defaults", queuedBytes: 128 << 20, heapLimit: 384 << 20},
		{name: "flags", args: []string{"--max-queued-bytes", "64MiB", "--heap-limit", "1GiB", "--public-url", "https://lookout.example/"},
			queuedBytes: 64 << 20, heapLimit: 1 << 30, publicURL: "https://lookout.example/"},
		{name: "environment", env: map[string]string{"LOOKOUT_MAX_QUEUED_BYTES": "0", "LOOKOUT_HEAP_LIMIT": "0", "LOOKOUT_PUBLIC_URL": "http://10.0.0.5:8686"},
			publicURL: "http://10.0.0.5:8686"},
		{name: "bad size", args: []string{"--max-queued-bytes", "heaps"}, wantErr: "max-queued-bytes"},
		{name: "public url without a scheme", args: []string{"--public-url", "lookout.example"}, wantErr: "public-url"},
		{name: "public url of another scheme", args: []string{"--public-url", "ftp://lookout.example"}, wantErr: "public-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := parseCase(t, tc.args, tc.env, tc.wantErr)
			if !ok {
				return
			}
			if c.server.Pipeline.MaxQueuedBytes != tc.queuedBytes || c.heapLimit != tc.heapLimit || c.server.PublicURL != tc.publicURL {
				t.Errorf("max-queued-bytes %d, heap-limit %d, public-url %q; want %d, %d, %q",
					c.server.Pipeline.MaxQueuedBytes, c.heapLimit, c.server.PublicURL, tc.queuedBytes, tc.heapLimit, tc.publicURL)
			}
		})
	}
}

// parseCase parses args with env set as serve does. With wantErr it checks
// the refusal mentions it and reports false; otherwise a failure is fatal.
func parseCase(t *testing.T, args []string, env map[string]string, wantErr string) (config, bool) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var stderr bytes.Buffer
	c, err := parseConfig("serve", args, &stderr)
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error()+stderr.String(), wantErr) {
			t.Fatalf("err = %v (%s), want one mentioning %q", err, stderr.String(), wantErr)
		}
		return c, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, true
}
