package compat

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestRejectionsAreVisible sends one good span and one older than the
// retention: the client is told in partial_success, and the refusal shows in
// /metrics and per service in /api/status, with the reason.
func TestRejectionsAreVisible(t *testing.T) {
	in := startLookout(t, t.TempDir())
	now, old := time.Now(), time.Now().Add(-30*24*time.Hour)
	code, raw := postSpans(t, in, "visible", jsonSpan{"c", "ok", now}, jsonSpan{"d", "stale", old})
	var reply struct {
		PartialSuccess struct {
			RejectedSpans string `json:"rejectedSpans"`
			ErrorMessage  string `json:"errorMessage"`
		} `json:"partialSuccess"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil || code != 200 {
		t.Fatalf("export: %d %s (%v)", code, raw, err)
	}
	if reply.PartialSuccess.RejectedSpans != "1" || !strings.Contains(reply.PartialSuccess.ErrorMessage, "retention") {
		t.Errorf("partial success = %+v, want 1 span rejected for the retention", reply.PartialSuccess)
	}

	if m := get(t, in.HTTP+"/metrics"); !strings.Contains(m, `lookout_items_rejected_total{kind="span",reason="too_old"} 1`) ||
		!strings.Contains(m, `lookout_items_accepted_total{kind="span"} 1`) {
		t.Errorf("metrics:\n%s", grep(m, "lookout_items"))
	}
	var status struct {
		Streams []struct {
			Kind, Service    string
			StoredRows       int64 `json:"storedRows"`
			AcceptedSinceUp  int64 `json:"acceptedSinceStart"`
			SilentForSeconds *float64
			Rejected         map[string]struct {
				Count       int64  `json:"count"`
				LastMessage string `json:"lastMessage"`
			} `json:"rejected"`
		} `json:"streams"`
	}
	if code := getJSON(t, in.HTTP+"/api/status", &status); code != 200 {
		t.Fatalf("status: %d", code)
	}
	found := false
	for _, s := range status.Streams {
		if s.Service != "visible" {
			continue
		}
		found = true
		r := s.Rejected["too_old"]
		if s.Kind != "spans" || s.StoredRows != 1 || s.AcceptedSinceUp != 1 || r.Count != 1 || !strings.Contains(r.LastMessage, "older than the retention") {
			t.Errorf("status stream = %+v", s)
		}
	}
	if !found {
		t.Errorf("no status stream for the service: %+v", status.Streams)
	}
}
