package xraydaemon

import (
	"strings"
	"testing"
	"time"
)

// TestTelemetry: each daemon keeps its newest record (by Timestamp, even
// when records arrive out of order) and the sum of all; problems name
// rejected and spilled segments, backend errors and silence; projects are
// apart.
func TestTelemetry(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	now := t0
	tel := NewTelemetry(func() time.Time { return now })
	web := Client{Hostname: "web-1"}
	tel.Put("p", web, []Record{{Timestamp: t0, SegmentsReceived: 5, SegmentsSent: 5}})
	tel.Put("p", web, []Record{{Timestamp: t0.Add(-time.Minute), SegmentsReceived: 1}}) // older, late
	tel.Put("p", Client{EC2InstanceID: "i-1"}, []Record{{Timestamp: t0, SegmentsRejected: 1, SegmentsSpillover: 2, HTTP5xx: 1, Timeouts: 2}})
	cases := []struct {
		name     string
		at       time.Duration
		client   Client
		latest   Counts
		total    Counts
		problems []string
	}{
		{"healthy", 0, web, Counts{SegmentsReceived: 5, SegmentsSent: 5}, Counts{SegmentsReceived: 6, SegmentsSent: 5}, nil},
		{"troubled", 0, Client{EC2InstanceID: "i-1"}, Counts{SegmentsRejected: 1, SegmentsSpillover: 2, BackendErrors: 3},
			Counts{SegmentsRejected: 1, SegmentsSpillover: 2, BackendErrors: 3}, []string{"1 segments rejected", "2 segments spilled over", "3 errors sending"}},
		{"silent", 4 * time.Minute, web, Counts{SegmentsReceived: 5, SegmentsSent: 5}, Counts{SegmentsReceived: 6, SegmentsSent: 5}, []string{"no telemetry for 4m0s"}},
	}
	for _, tc := range cases {
		now = t0.Add(tc.at)
		var found *Daemon
		ds := tel.Daemons("p")
		for i := range ds {
			if ds[i].Client == tc.client {
				found = &ds[i]
			}
		}
		if len(ds) != 2 || found == nil || found.Latest != tc.latest || found.Total != tc.total || !found.LatestAt.Equal(t0) ||
			len(found.Problems) != len(tc.problems) {
			t.Errorf("%s: %+v", tc.name, found)
			continue
		}
		for i, p := range tc.problems {
			if !strings.HasPrefix(found.Problems[i], p) {
				t.Errorf("%s: problem %q, want %q…", tc.name, found.Problems[i], p)
			}
		}
	}
	if ds := tel.Daemons("other"); len(ds) != 0 {
		t.Errorf("another project sees %+v", ds)
	}
}

// TestTelemetryBounded: past maxDaemons, the daemon that reported longest
// ago is forgotten.
func TestTelemetryBounded(t *testing.T) {
	now := time.Unix(0, 0)
	tel := NewTelemetry(func() time.Time { return now })
	for i := range maxDaemons + 1 {
		now = now.Add(time.Second)
		tel.Put("p", Client{Hostname: string(rune('a'+i%26)) + time.Duration(i).String()}, nil)
	}
	ds := tel.Daemons("p")
	if len(ds) != maxDaemons || ds[len(ds)-1].Hostname != "b1ns" {
		t.Errorf("%d daemons, oldest %q", len(ds), ds[len(ds)-1].Hostname)
	}
}
