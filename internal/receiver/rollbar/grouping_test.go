package rollbar

import (
	"testing"
	"time"
)

// TestGroupingOnCaptures feeds captured rollbar-go payloads and checks which
// ones share an item.
func TestGroupingOnCaptures(t *testing.T) {
	cases := []struct {
		name      string
		files     []string
		wantItems int
		wantTotal float64 // of the newest item
		wantLevel string  // of the newest item
	}{
		{"same stack, different message", []string{"error_user12.json", "error_user13.json"}, 1, 2, "error"},
		{"different stacks", []string{"error_user12.json", "error_chain.json"}, 2, 1, "critical"},
		{"message numbers and ips masked", []string{"message_info.json", "message_info2.json"}, 1, 2, "info"},
		{"different messages", []string{"message_info.json", "message_warning.json"}, 2, 1, "warning"},
		{"custom fingerprint", []string{"fingerprint_a.json", "fingerprint_a.json"}, 1, 2, "error"},
		{"every level kept", []string{"message_debug.json", "message_info.json", "message_warning.json", "message_error.json", "message_critical.json"}, 5, 1, "critical"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			for i, f := range c.files {
				e.advance(time.Second)
				e.post(t, withData(t, readCapture(t, f), map[string]any{"timestamp": 1764072000 + i}))
			}
			items := e.items(t, "")
			if len(items) != c.wantItems {
				t.Fatalf("%d items, want %d: %v", len(items), c.wantItems, items)
			}
			if got := items[0]["total_occurrences"]; got != c.wantTotal {
				t.Errorf("total_occurrences %v, want %v", got, c.wantTotal)
			}
			if got := items[0]["level"]; got != c.wantLevel {
				t.Errorf("level %v, want %v", got, c.wantLevel)
			}
		})
	}
}

// TestLifecycle walks an item through resolve, reactivation and
// resolved_in_version, then checks that a re-sent uuid is not counted.
func TestLifecycle(t *testing.T) {
	type step struct {
		patch      string         // PATCH body, or "" to post an occurrence
		set        map[string]any // data fields of the posted occurrence
		wantStatus string
		wantTotal  float64
		wantLevel  string
	}
	steps := []step{
		{set: map[string]any{"uuid": "00000000-0000-4000-8000-000000000001", "level": "warning"}, wantStatus: "active", wantTotal: 1, wantLevel: "warning"},
		{set: map[string]any{"uuid": "00000000-0000-4000-8000-000000000001", "level": "critical"}, wantStatus: "active", wantTotal: 1, wantLevel: "warning"},
		{set: map[string]any{"uuid": "00000000-0000-4000-8000-000000000002", "level": "error"}, wantStatus: "active", wantTotal: 2, wantLevel: "error"},
		{patch: `{"status":"resolved","resolved_in_version":"1.3.0"}`, wantStatus: "resolved", wantTotal: 2, wantLevel: "error"},
		{set: map[string]any{"code_version": "1.2.9"}, wantStatus: "resolved", wantTotal: 3, wantLevel: "error"},
		{set: map[string]any{"code_version": "1.3.0"}, wantStatus: "active", wantTotal: 4, wantLevel: "error"},
		{patch: `{"status":"resolved"}`, wantStatus: "resolved", wantTotal: 4, wantLevel: "error"},
		{set: map[string]any{"code_version": "9f2c1ab"}, wantStatus: "active", wantTotal: 5, wantLevel: "error"},
		{patch: `{"status":"muted","level":"info"}`, wantStatus: "muted", wantTotal: 5, wantLevel: "info"},
		{set: map[string]any{"level": "critical"}, wantStatus: "muted", wantTotal: 6, wantLevel: "info"},
	}
	e := newEnv(t)
	base := readCapture(t, "message_warning.json")
	for i, s := range steps {
		if s.patch == "" {
			e.post(t, withData(t, base, s.set))
		} else if code, out, _ := e.do(t, "PATCH", "/api/1/item/1", "", []byte(s.patch)); code != 200 {
			t.Fatalf("step %d: patch: %d %v", i, code, out)
		}
		items := e.items(t, "")
		if len(items) != 1 {
			t.Fatalf("step %d: %d items", i, len(items))
		}
		it := items[0]
		if it["status"] != s.wantStatus || it["total_occurrences"] != s.wantTotal || it["level"] != s.wantLevel {
			t.Errorf("step %d: status %v total %v level %v, want %s %v %s", i,
				it["status"], it["total_occurrences"], it["level"], s.wantStatus, s.wantTotal, s.wantLevel)
		}
	}
}
