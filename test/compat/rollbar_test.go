package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	rollbargo "github.com/rollbar/rollbar-go"
)

type orderError struct{ id int }

func (e *orderError) Error() string { return fmt.Sprintf("order %d not found", e.id) }

func findOrder(id int) error { return &orderError{id} }

// TestRollbarGo reports with the real rollbar-go client to a real lookout
// and reads the items back through Rollbar's read API.
func TestRollbarGo(t *testing.T) {
	in := startLookout(t, t.TempDir())
	var clientErrs []error
	c := rollbargo.NewSync("0123456789abcdef0123456789abcdef", "production", "v1.0.0", "web-1", "lookout/test/compat")
	c.SetEndpoint(in.HTTP + "/api/1/item/")
	c.SetLogger(&captureLogger{errs: &clientErrs})
	defer c.Close()

	report := func(id int) { c.ErrorWithLevel(rollbargo.ERR, findOrder(id)) }
	for id := range 3 { // one item: same stack, messages differ
		report(id)
	}
	c.ErrorWithLevel(rollbargo.CRIT, fmt.Errorf("checkout: %w", findOrder(9)))
	for _, level := range []string{rollbargo.DEBUG, rollbargo.INFO, rollbargo.WARN, rollbargo.ERR, rollbargo.CRIT} {
		c.Message(level, "level check "+level)
	}
	c.SetFingerprint(true)
	c.ErrorWithLevel(rollbargo.WARN, errors.New("fingerprinted"))
	c.SetFingerprint(false)
	if len(clientErrs) > 0 {
		t.Fatalf("rollbar-go reported errors: %v", clientErrs)
	}

	var items struct {
		Err    int `json:"err"`
		Result struct {
			TotalCount  int              `json:"total_count"`
			Items       []map[string]any `json:"items"`
			LevelCounts map[string]int   `json:"level_counts"`
		} `json:"result"`
	}
	if code := getJSON(t, in.HTTP+"/api/1/items", &items); code != 200 {
		t.Fatalf("GET: %d", code)
	}
	// 1 grouped error + 1 chain + 5 messages + 1 fingerprinted.
	if items.Result.TotalCount != 8 || len(items.Result.Items) != 8 {
		t.Fatalf("total_count %d, %d items, want 8: %+v", items.Result.TotalCount, len(items.Result.Items), items.Result.Items)
	}
	byTitle := map[string]map[string]any{}
	for _, it := range items.Result.Items {
		byTitle[it["title"].(string)] = it
	}
	for _, level := range []string{"debug", "info", "warning", "error", "critical"} {
		it := byTitle["level check "+level]
		if it == nil || it["level"] != level {
			t.Errorf("message at %s: %v", level, it)
		}
	}
	grouped := 0
	for _, it := range items.Result.Items {
		if it["total_occurrences"].(float64) == 3 {
			grouped++
			// Just reported by the real client: all three are recent.
			if it["occurrences_last_hour"] != 3.0 || it["occurrences_last_24h"] != 3.0 {
				t.Errorf("recent counts: last hour %v, last 24h %v, want 3, 3",
					it["occurrences_last_hour"], it["occurrences_last_24h"])
			}
			var inst struct {
				Result struct {
					Instances []map[string]any `json:"instances"`
				} `json:"result"`
			}
			if code := getJSON(t, fmt.Sprintf("%s/api/1/item/%v/instances", in.HTTP, it["id"]), &inst); code != 200 {
				t.Fatalf("GET: %d", code)
			}
			if len(inst.Result.Instances) != 3 {
				t.Errorf("instances: %d, want 3", len(inst.Result.Instances))
			}
		}
	}
	if grouped != 1 {
		t.Errorf("%d items with 3 occurrences, want 1 (same stack groups)", grouped)
	}
	var byCounter map[string]any
	getJSON(t, in.HTTP+"/api/1/item_by_counter/1", &byCounter) // follows the 301
	if byCounter["result"].(map[string]any)["counter"] != 1.0 {
		t.Errorf("item_by_counter/1: %v", byCounter)
	}

	// Once a token exists, tokens are enforced.
	var tok map[string]any
	rollbarPost(t, in.HTTP+"/api/errors/tokens", map[string]any{"scopes": []string{"post_server_item", "read"}}, 201, &tok)
	clientErrs = nil
	c.Message(rollbargo.ERR, "with an unknown token")
	if len(clientErrs) == 0 {
		t.Errorf("unknown token accepted after a token was created")
	}
	c.SetToken(tok["token"].(string))
	clientErrs = nil
	c.Message(rollbargo.ERR, "with the issued token")
	if len(clientErrs) > 0 {
		t.Errorf("issued token refused: %v", clientErrs)
	}
}

type captureLogger struct{ errs *[]error }

func (l *captureLogger) Printf(format string, args ...any) {
	*l.errs = append(*l.errs, fmt.Errorf(format, args...))
}

func rollbarPost(t *testing.T, url string, body any, want int, v any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
}
