package compat

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDiskBudgetDropsOldestDay stores spans on two days with a disk budget
// smaller than both, and checks that the older day's partition goes, that the
// metric says so, and that the current day's data stays readable.
func TestDiskBudgetDropsOldestDay(t *testing.T) {
	in := startLookout(t, t.TempDir(), "--max-disk", "1B", "--retention-interval", "200ms")
	now := time.Now()
	yesterday := now.Add(-24 * time.Hour)
	if code, reply := postSpans(t, in, "budget", jsonSpan{"a", "old", yesterday}, jsonSpan{"b", "new", now}); code != 200 {
		t.Fatalf("export: %d %s", code, reply)
	}
	var metrics string
	for range 100 {
		metrics = get(t, in.HTTP+"/metrics")
		if strings.Contains(metrics, `lookout_partitions_dropped_total{reason="disk_budget"} 1`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(metrics, `lookout_partitions_dropped_total{reason="disk_budget"} 1`) {
		t.Fatalf("no partition dropped for the budget; metrics:\n%s", grep(metrics, "lookout_"))
	}
	if code := getJSON(t, in.HTTP+"/api/traces/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nil); code != 404 {
		t.Errorf("yesterday's trace: status %d, want 404 after the drop", code)
	}
	if code := getJSON(t, in.HTTP+"/api/traces/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", nil); code != 200 {
		t.Errorf("today's trace: status %d, want 200 (the current day is never dropped)", code)
	}
	if !strings.Contains(in.logText(), `"msg":"dropped partition"`) {
		t.Errorf("no log line for the drop")
	}
	var status struct {
		Partitions []struct{ Name string } `json:"partitions"`
	}
	getJSON(t, in.HTTP+"/api/status", &status)
	if len(status.Partitions) != 1 || status.Partitions[0].Name != now.UTC().Format("20060102") {
		t.Errorf("partitions after the drop: %+v, want only today's", status.Partitions)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grep(text, substr string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
