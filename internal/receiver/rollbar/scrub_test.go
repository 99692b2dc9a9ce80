package rollbar

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestIngestScrubs posts a real rollbar-go payload carrying a password and
// a token in its request, and finds them masked in the stored occurrence.
func TestIngestScrubs(t *testing.T) {
	e := newEnv(t)
	e.post(t, withData(t, readCapture(t, "message_error.json"), map[string]any{
		"request": map[string]any{
			"url":     "https://shop.example/login?access_token=tok&page=2",
			"POST":    map[string]any{"user": "ann", "password": "hunter2"},
			"headers": map[string]any{"Authorization": "Bearer abc"},
		},
	}))
	items := e.items(t, "")
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	id := fmt.Sprint(items[0]["id"])
	code, out, _ := e.do(t, "GET", "/api/1/item/"+id+"/instances", "", nil)
	if code != 200 {
		t.Fatalf("instances: %d %v", code, out)
	}
	raw, _ := json.Marshal(out)
	for _, secret := range []string{"hunter2", "Bearer abc", "access_token=tok"} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("stored occurrence still holds %q: %s", secret, raw)
		}
	}
	if !strings.Contains(string(raw), `"password":"********"`) || !strings.Contains(string(raw), "page=2") {
		t.Errorf("stored occurrence lacks the masked password or the kept parameter: %s", raw)
	}
}
