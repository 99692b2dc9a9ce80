package rollbar

import (
	"fmt"
	"testing"
	"time"
)

// TestRecentCounts checks occurrences_last_hour and occurrences_last_24h
// on the item list, the item and a PATCH reply: they count occurrences by
// their timestamp, as of the receiver's clock when the item is read.
func TestRecentCounts(t *testing.T) {
	cases := []struct {
		name      string
		ages      []time.Duration // of the occurrences, before the clock at posting
		later     time.Duration   // clock moved forward before reading
		wantHour  float64
		wantDay   float64
		wantTotal float64
	}{
		{"just now", []time.Duration{0}, 0, 1, 1, 1},
		{"hour boundary is inclusive", []time.Duration{time.Hour}, 0, 1, 1, 1},
		{"mixed ages", []time.Duration{time.Minute, 30 * time.Minute, 2 * time.Hour, 23 * time.Hour, 25 * time.Hour, 72 * time.Hour}, 0, 2, 4, 6},
		{"read later: counts age", []time.Duration{0, 0, 0}, 90 * time.Minute, 0, 3, 3},
		{"read a day later", []time.Duration{0, time.Hour}, 25 * time.Hour, 0, 0, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			now := time.Unix(0, e.clock.Load())
			for _, age := range c.ages {
				e.post(t, withData(t, readCapture(t, "fingerprint_a.json"),
					map[string]any{"timestamp": now.Add(-age).Unix()}))
			}
			// Another item's occurrences never count.
			e.post(t, withData(t, readCapture(t, "message_info.json"), map[string]any{"timestamp": now.Unix()}))
			e.advance(c.later)

			var it map[string]any // item #1: the fingerprint_a occurrences
			for _, x := range e.items(t, "") {
				if x["counter"] == float64(1) {
					it = x
				}
			}
			if it == nil || it["total_occurrences"] != c.wantTotal {
				t.Fatalf("item #1: %v, want %v occurrences", it, c.wantTotal)
			}
			check := func(where string, got map[string]any) {
				t.Helper()
				if got["occurrences_last_hour"] != c.wantHour || got["occurrences_last_24h"] != c.wantDay {
					t.Errorf("%s: last hour %v, last 24h %v; want %v, %v", where,
						got["occurrences_last_hour"], got["occurrences_last_24h"], c.wantHour, c.wantDay)
				}
			}
			check("items", it)
			path := fmt.Sprintf("/api/1/item/%d", int64(it["id"].(float64)))
			code, out, _ := e.do(t, "GET", path, "", nil)
			if code != 200 {
				t.Fatalf("GET %s: %d %v", path, code, out)
			}
			check("item", out["result"].(map[string]any))
			code, out, _ = e.do(t, "PATCH", path, "", []byte(`{"status":"muted"}`))
			if code != 200 {
				t.Fatalf("PATCH %s: %d %v", path, code, out)
			}
			check("patch", out["result"].(map[string]any))
		})
	}
}
