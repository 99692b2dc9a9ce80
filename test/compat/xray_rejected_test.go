package compat

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

// lintFinding is the part of a tracelint finding this test reads.
type lintFinding struct {
	Rule     string `json:"rule"`
	Service  string `json:"service"`
	Message  string `json:"message"`
	Document *struct {
		ID        string `json:"id"`
		Reason    string `json:"reason"`
		ErrorCode string `json:"errorCode"`
		Transport string `json:"transport"`
		Excerpt   string `json:"excerpt"`
	} `json:"document"`
}

// TestXRayRejectedDocumentIsListed sends, over the daemon's UDP protocol,
// one good segment and one of the same trace with an invalid id. The
// refused one is not dropped silently: the trace's lint lists it with its
// reason and excerpt, and the service's lint counts it.
func TestXRayRejectedDocumentIsListed(t *testing.T) {
	in := startLookout(t, t.TempDir())
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	now := time.Now()
	epoch := fmt.Sprintf("%08x", now.Unix())
	traceID := "1-" + epoch + "-" + hex.EncodeToString(rnd[:])
	const service = "rejects-e2e"
	start := float64(now.UnixMilli()) / 1000
	good := fmt.Sprintf(`{"name":%q,"id":"1a2b3c4d5e6f7081","trace_id":%q,"start_time":%.3f,"end_time":%.3f}`,
		service, traceID, start, start+0.05)
	bad := fmt.Sprintf(`{"name":%q,"id":"not-a-span-id","trace_id":%q,"start_time":%.3f,"end_time":%.3f}`,
		service, traceID, start, start+0.02)
	conn, err := net.Dial("udp", in.XRayUDP)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, doc := range []string{good, bad} {
		if _, err := conn.Write([]byte("{\"format\": \"json\", \"version\": 1}\n" + doc)); err != nil {
			t.Fatal(err)
		}
	}

	// UDP has no reply: poll until both documents were committed.
	hexID := epoch + hex.EncodeToString(rnd[:])
	var report struct {
		TraceID  string        `json:"traceId"`
		Spans    int           `json:"spans"`
		Findings []lintFinding `json:"findings"`
	}
	var rejected *lintFinding
	for i := 0; i < 100 && (rejected == nil || report.Spans != 1); i++ {
		time.Sleep(100 * time.Millisecond)
		report.Findings, rejected = nil, nil
		if getJSON(t, in.HTTP+"/api/traces/"+hexID+"/lint", &report) != http.StatusOK {
			continue
		}
		for j := range report.Findings {
			if report.Findings[j].Rule == "rejected-document" {
				rejected = &report.Findings[j]
			}
		}
	}
	if rejected == nil || report.Spans != 1 {
		t.Fatalf("trace %s lint: %d spans, findings %+v; want the good segment and a rejected-document finding",
			traceID, report.Spans, report.Findings)
	}
	d := rejected.Document
	if d == nil || d.Reason != "bad_id" || d.ErrorCode != "InvalidId" || d.ID != "not-a-span-id" || d.Transport != "udp" ||
		d.Excerpt != bad || rejected.Service != service {
		t.Errorf("finding %+v, document %+v", rejected, d)
	}

	var svc struct {
		Counts   map[string]int `json:"counts"`
		Rejected []lintFinding  `json:"rejected"`
	}
	if code := getJSON(t, in.HTTP+"/api/services/"+service+"/lint", &svc); code != http.StatusOK {
		t.Fatalf("service lint: %d", code)
	}
	if svc.Counts["rejected-document"] != 1 || len(svc.Rejected) != 1 || svc.Rejected[0].Document == nil ||
		svc.Rejected[0].Document.Reason != "bad_id" {
		t.Errorf("service lint counts %v, rejected %+v", svc.Counts, svc.Rejected)
	}
}
