package compat

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSeriesLimitIsVisible runs lookout with room for two series per metric
// and exports a counter of three series over OTLP/HTTP JSON: the client is
// told in partial_success which metric hit the limit, the refusal is counted
// per service in /api/status as series_limit, and the two known series keep
// being accepted afterwards.
func TestSeriesLimitIsVisible(t *testing.T) {
	in := startLookout(t, t.TempDir(), "--max-series-per-metric=2")
	export := func(users ...string) (rejected, message string) {
		t.Helper()
		now := time.Now().UnixNano()
		var points []string
		for _, u := range users {
			points = append(points, fmt.Sprintf(`{"attributes":[{"key":"user","value":{"stringValue":%q}}],"timeUnixNano":"%d","asInt":"1"}`, u, now))
		}
		body := `{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"limited"}}]},
			"scopeMetrics":[{"metrics":[{"name":"logins","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[` +
			strings.Join(points, ",") + `]}}]}]}]}`
		resp, err := http.Post(in.OTLPHTTP+"/v1/metrics", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var reply struct {
			PartialSuccess struct {
				RejectedDataPoints string `json:"rejectedDataPoints"`
				ErrorMessage       string `json:"errorMessage"`
			} `json:"partialSuccess"`
		}
		if err := json.Unmarshal(raw, &reply); err != nil || resp.StatusCode != 200 {
			t.Fatalf("export: %d %s (%v)", resp.StatusCode, raw, err)
		}
		return reply.PartialSuccess.RejectedDataPoints, reply.PartialSuccess.ErrorMessage
	}
	n, msg := export("a", "b", "c")
	if n != "1" || !strings.Contains(msg, `data point 2 of metric "logins": the metric has reached its limit of 2 series`) {
		t.Errorf("partial success: %s %q, want the third series refused, naming the metric and the limit", n, msg)
	}
	if n, msg := export("a", "b"); n != "" && n != "0" {
		t.Errorf("known series: %s rejected (%s)", n, msg)
	}

	var status struct {
		Streams []struct {
			Kind, Service string
			Rejected      map[string]struct {
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
		if s.Service == "limited" && s.Kind == "metrics" {
			r := s.Rejected["series_limit"]
			found = r.Count == 1 && strings.Contains(r.LastMessage, "--max-series-per-metric")
		}
	}
	if !found {
		t.Errorf("status: no series_limit rejection of service limited: %+v", status.Streams)
	}
}
