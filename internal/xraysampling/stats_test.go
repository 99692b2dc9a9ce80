package xraysampling

import (
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	s := NewStats(0, 0)
	s.Add("r", t0.Add(1*time.Second), Counts{Requests: 10, Sampled: 2, Borrowed: 1})
	s.Add("r", t0.Add(9*time.Second), Counts{Requests: 5, Sampled: 1})
	s.Add("r", t0.Add(12*time.Second), Counts{Requests: 7, Sampled: 7})
	s.Add("other", t0.Add(12*time.Second), Counts{Requests: 1})
	cases := []struct {
		name string
		from time.Time
		want Counts
	}{
		{"all", t0.Add(-time.Hour), Counts{22, 10, 1}},
		{"from the first window's start", t0, Counts{22, 10, 1}},
		{"from inside a window counts it whole", t0.Add(5 * time.Second), Counts{22, 10, 1}},
		{"from the second window", t0.Add(10 * time.Second), Counts{7, 7, 0}},
		{"from the second window's last instant", t0.Add(20*time.Second - 1), Counts{7, 7, 0}},
		{"after the last window", t0.Add(20 * time.Second), Counts{}},
	}
	for _, c := range cases {
		if got := s.Since("r", c.from); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if w, ok := s.Latest("r"); !ok || !w.Start.Equal(t0.Add(10*time.Second)) || w.Requests != 7 {
		t.Errorf("latest %+v %v", w, ok)
	}
	if ws := s.Windows("r"); len(ws) != 2 || !ws[0].Start.Equal(t0) {
		t.Errorf("windows %+v", ws)
	}
	// Windows that ended more than an hour ago are dropped when a new one
	// starts.
	s.Add("r", t0.Add(time.Hour+25*time.Second), Counts{Requests: 1})
	if got := s.Since("r", t0.Add(-time.Hour)); got.Requests != 1 {
		t.Errorf("after an hour: %+v", got)
	}
	if _, ok := s.Latest("other"); ok {
		t.Error("the other rule's old window was kept")
	}
	s.Forget("r")
	if _, ok := s.Latest("r"); ok {
		t.Error("Forget kept windows")
	}
}
