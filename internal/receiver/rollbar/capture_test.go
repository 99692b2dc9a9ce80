package rollbar

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	rollbargo "github.com/rollbar/rollbar-go"
)

var update = flag.Bool("update", false, "regenerate testdata/sdk by running rollbar-go")

// sdkDir holds payloads captured from rollbar-go v1.4.5, one per file.
// Regenerate with: go test ./internal/receiver/rollbar -run TestCaptureSDK -update
const sdkDir = "testdata/sdk"

// captureToken is the token the captures carry.
const captureToken = "0123456789abcdef0123456789abcdef"

type notFoundError struct{ user int }

func (e *notFoundError) Error() string { return fmt.Sprintf("user %d not found", e.user) }

// lookupUser and loadProfile give the errors two distinct in-project stacks.
func lookupUser(id int) error { return &notFoundError{user: id} }

func loadProfile(id int) error {
	return fmt.Errorf("load profile: %w", lookupUser(id))
}

// sendUser reports a not-found error; every id gets the same stack.
func sendUser(id int) func(c *rollbargo.Client) {
	return func(c *rollbargo.Client) { c.ErrorWithLevel(rollbargo.ERR, lookupUser(id)) }
}

// sdkScenarios are the reports captured, by file name.
var sdkScenarios = []struct {
	name string
	send func(c *rollbargo.Client)
}{
	{"error_user12.json", sendUser(12)},
	{"error_user13.json", sendUser(13)},
	{"error_chain.json", func(c *rollbargo.Client) { c.ErrorWithLevel(rollbargo.CRIT, loadProfile(7)) }},
	{"error_plain.json", func(c *rollbargo.Client) { c.ErrorWithLevel(rollbargo.WARN, errors.New("cache miss")) }},
	{"message_debug.json", func(c *rollbargo.Client) { c.Message(rollbargo.DEBUG, "debug: worker 3 idle") }},
	{"message_info.json", func(c *rollbargo.Client) { c.Message(rollbargo.INFO, "user 42 logged in from 10.0.0.7") }},
	{"message_info2.json", func(c *rollbargo.Client) { c.Message(rollbargo.INFO, "user 97 logged in from 10.0.0.9") }},
	{"message_warning.json", func(c *rollbargo.Client) { c.Message(rollbargo.WARN, "disk 91% full on /var") }},
	{"message_error.json", func(c *rollbargo.Client) { c.Message(rollbargo.ERR, "payment 'ord_1f9a' failed") }},
	{"message_critical.json", func(c *rollbargo.Client) { c.Message(rollbargo.CRIT, "database unreachable") }},
	{"message_traced.json", func(c *rollbargo.Client) {
		c.MessageWithExtras(rollbargo.ERR, "checkout failed", map[string]any{"trace_id": "5759e988bd862e3fe1be46a994272793"})
	}},
	{"fingerprint_a.json", func(c *rollbargo.Client) {
		c.SetFingerprint(true)
		defer c.SetFingerprint(false)
		c.ErrorWithLevel(rollbargo.ERR, lookupUser(1))
	}},
}

// TestCaptureSDK runs rollbar-go against a recording server and writes
// what it sent.
func TestCaptureSDK(t *testing.T) {
	if !*update {
		t.Skip("captures are regenerated with -update")
	}
	var mu sync.Mutex
	var got [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
		w.Write([]byte(`{"err":0,"result":{"id":null,"uuid":"x"}}`))
	}))
	defer srv.Close()
	c := rollbargo.NewSync(captureToken, "production", "v1.2.0", "web-1", "lookout/internal/receiver/rollbar")
	c.SetEndpoint(srv.URL + "/api/1/item/")
	defer c.Close()
	if err := os.MkdirAll(sdkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range sdkScenarios {
		mu.Lock()
		from := len(got)
		mu.Unlock()
		s.send(c)
		mu.Lock()
		if len(got) != from+1 {
			mu.Unlock()
			t.Fatalf("%s: %d requests, want 1", s.name, len(got)-from)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, got[from], "", "  "); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		mu.Unlock()
		if err := os.WriteFile(filepath.Join(sdkDir, s.name), append(pretty.Bytes(), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
