package compat

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRollbarInvalidUTF8 posts reports that are not valid UTF-8, as no
// official client can (they encode JSON from valid strings): each gets a
// 400 in Rollbar's error shape naming the byte, not a 5xx the client would
// retry, and the server keeps taking reports.
func TestRollbarInvalidUTF8(t *testing.T) {
	in := startLookout(t, t.TempDir())
	asJSON := map[string]string{"Content-Type": "application/json"}
	for _, tc := range []struct {
		name    string
		headers map[string]string
		body    string
		message string
	}{
		{"in a message", asJSON, "{\"data\":{\"environment\":\"production\",\"body\":{\"message\":{\"body\":\"bad \xc3\x28 byte\"}}}}",
			"not valid UTF-8 at byte 67"},
		{"in a custom key", asJSON, "{\"data\":{\"environment\":\"production\",\"body\":{\"message\":{\"body\":\"x\"}},\"custom\":{\"k\xff\":1}}}",
			"not valid UTF-8 at byte 80"},
		{"in a form payload", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			"payload=" + url.QueryEscape("{\"data\":{\"environment\":\"prod\xfe\",\"body\":{\"message\":{\"body\":\"x\"}}}}"),
			"not valid UTF-8 at byte 28"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := httpCall{method: "POST", url: in.HTTP + "/api/1/item/", headers: tc.headers, body: tc.body}.do(t)
			var reply struct {
				Err     int    `json:"err"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal([]byte(body), &reply)
			if status != 400 || reply.Err != 1 || !strings.Contains(reply.Message, tc.message) {
				t.Errorf("%d %s, want 400 {\"err\":1,...%q}", status, body, tc.message)
			}
		})
	}
	reportErrorOf(t, in, "any-token", "valid afterwards", randomTraceID())
}

// TestXRayRefusedDatagramsCapped floods the daemon port with datagrams
// that are not segments. Each is counted in /metrics, but only a bounded
// number (100 at once, then about one a second) becomes a stored record
// of a refused document; the others are counted as skipped.
func TestXRayRefusedDatagramsCapped(t *testing.T) {
	in := startLookout(t, t.TempDir())
	conn, err := net.Dial("udp", in.XRayUDP)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const sent = 2000
	began := time.Now()
	for i := range sent {
		if _, err := conn.Write(fmt.Appendf(nil, "{\"format\":\"json\",\"version\":1}\n{\"garbage\":%d", i)); err != nil {
			t.Fatal(err)
		}
		if i%200 == 199 {
			time.Sleep(5 * time.Millisecond) // leave the kernel's buffer room
		}
	}
	var refused, skipped, records float64
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		m := scrapeMetrics(t, in)
		refused = m.sum("lookout_xray_segments_rejected_total", `transport="udp"`)
		skipped = m.sum("lookout_xray_rejected_records_skipped_total", `transport="udp"`)
		records = float64(countLogs(t, in, "X-Ray segment document rejected"))
		if refused == sent && records+skipped == sent {
			break
		}
	}
	budget := 100 + time.Since(began).Seconds() + 1
	if refused != sent || records+skipped != sent || records > budget || records < 100 {
		t.Fatalf("%v datagrams refused (want %d), %v records kept (want 100 to %.0f), %v skipped", refused, sent, records, budget, skipped)
	}
}

// metricsText is a /metrics page.
type metricsText string

func scrapeMetrics(t *testing.T, in *instance) metricsText {
	t.Helper()
	status, body, _ := httpCall{url: in.HTTP + "/metrics"}.do(t)
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	return metricsText(body)
}

// sum adds the values of the samples of name whose labels hold label.
func (m metricsText) sum(name, label string) float64 {
	total := 0.0
	for _, line := range strings.Split(string(m), "\n") {
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, label) {
			continue
		}
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			total += v
		}
	}
	return total
}

// countLogs counts the log events of the last hour whose body holds text.
func countLogs(t *testing.T, in *instance, text string) int {
	t.Helper()
	var got struct {
		Logs []json.RawMessage `json:"logs"`
	}
	if code := getJSON(t, in.HTTP+"/api/logs?limit=10000&start=1h&q="+url.QueryEscape(text), &got); code != 200 {
		t.Fatalf("/api/logs: %d", code)
	}
	return len(got.Logs)
}
