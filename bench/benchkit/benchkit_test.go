package benchkit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

func TestScrape(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "# HELP x\nlookout_items_accepted_total{kind=\"log\"} 3\nlookout_items_accepted_total{kind=\"span\"} 1.5e+06\n"+
			"process_cpu_seconds_total 12.5\n"+
			"lookout_xray_segments_rejected_total{reason=\"oversize\",transport=\"udp\"} 2\n"+
			"lookout_xray_segments_rejected_total{reason=\"overloaded\",transport=\"udp\"} 7\n"+
			"lookout_xray_segments_rejected_total{reason=\"overloaded\",transport=\"http\"} 5\n")
	}))
	defer srv.Close()
	m, err := Scrape(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"lookout_items_accepted_total", []string{`kind="span"`}, 1.5e6},
		{"lookout_items_accepted_total", nil, 1.5e6 + 3},
		{"process_cpu_seconds_total", nil, 12.5},
		{"lookout_xray_segments_rejected_total", []string{`transport="udp"`}, 9},
		{"absent_total", nil, 0},
	}
	for _, tc := range tests {
		if got := m.Get(tc.name, tc.labels...); got != tc.want {
			t.Errorf("Get(%s, %v) = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	by := m.ByLabel("lookout_xray_segments_rejected_total", "reason", `transport="udp"`)
	if len(by) != 2 || by["oversize"] != 2 || by["overloaded"] != 7 {
		t.Errorf("ByLabel = %v, want oversize 2, overloaded 7", by)
	}
}

func TestProc(t *testing.T) {
	if _, err := ProcCPU(os.Getpid()); err != nil {
		t.Error(err)
	}
	if hwm, err := ProcStatus(os.Getpid(), "VmHWM"); err != nil || hwm <= 0 {
		t.Errorf("VmHWM = %d, %v", hwm, err)
	}
	if MachineBusy() <= 0 {
		t.Error("MachineBusy is 0")
	}
}
