package xraysampling

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestShare(t *testing.T) {
	cases := []struct {
		name      string
		reservoir int
		demands   map[string]float64
		want      map[string]int // nil: only the sum and caps are checked
	}{
		{"one client takes it all", 5, map[string]float64{"a": 0.2}, map[string]int{"a": 5}},
		{"nothing to share", 0, map[string]float64{"a": 50, "b": 3}, map[string]int{"a": 0, "b": 0}},
		{"small demand filled first", 10, map[string]float64{"a": 1, "b": 100}, map[string]int{"a": 1, "b": 9}},
		{"equal demands split evenly", 9, map[string]float64{"a": 50, "b": 50, "c": 50}, map[string]int{"a": 3, "b": 3, "c": 3}},
		{"fractional demand rounds up", 4, map[string]float64{"a": 0.1, "b": 20}, map[string]int{"a": 1, "b": 3}},
		{"headroom spread when all are met", 7, map[string]float64{"a": 1, "b": 2}, nil},
		{"one unit, three clients", 1, map[string]float64{"a": 5, "b": 5, "c": 5}, nil},
	}
	for _, c := range cases {
		clients := map[string]*client{}
		for id, d := range c.demands {
			clients[id] = &client{Demand: d}
		}
		got := share(c.reservoir, clients, 42)
		sum := 0
		for _, q := range got {
			sum += q
		}
		if sum != c.reservoir {
			t.Errorf("%s: quotas %v add up to %d, want %d", c.name, got, sum, c.reservoir)
		}
		for id, q := range c.want {
			if got[id] != q {
				t.Errorf("%s: quotas %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

// TestReservoirRotates: a reservoir of 1 among three busy clients is held
// by one client at a time, and goes to each of them over time. The clients
// report in an order that changes every interval, as the SDKs' jittered
// polls do; the unit moves once its holder reported and gave it up.
func TestReservoirRotates(t *testing.T) {
	a, err := NewAllocator(DefaultAllocConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	orders := [][]string{{"a", "b", "c"}, {"c", "a", "b"}, {"b", "c", "a"}, {"a", "c", "b"}, {"b", "a", "c"}, {"c", "b", "a"}}
	got := map[string]int{}
	for i := 0; i < 60; i++ {
		now := t0.Add(time.Duration(i) * 10 * time.Second)
		for j, id := range orders[(i*7)%len(orders)] {
			at := now.Add(time.Duration(j+1) * time.Millisecond)
			q, ttl := a.rep("r", 1, id, 100, at)
			got[id] += q
			if want := at.Add(15 * time.Second); !ttl.Equal(want) {
				t.Fatalf("ttl %v, want %v", ttl, want)
			}
			if sum := validSum(a, "r", at); sum > 1 {
				t.Fatalf("interval %d: %d units valid at once, want at most 1", i, sum)
			}
		}
	}
	for _, id := range []string{"a", "b", "c"} {
		if got[id] < 5 {
			t.Errorf("client %s got the unit %d times in 60 intervals: %v", id, got[id], got)
		}
	}
}

// TestReservoirClientsComeAndGo: a second client halves the first one's
// quota; once it stops reporting for longer than Active, the first gets
// everything again.
func TestReservoirClientsComeAndGo(t *testing.T) {
	a, _ := NewAllocator(DefaultAllocConfig(), nil)
	steps := []struct {
		at       time.Duration
		client   string
		requests int64
		want     int
		active   int
	}{
		{0, "a", 500, 10, 1},
		// a's quota of 10 is valid until 15 s: nothing is left for b yet.
		{10 * time.Second, "b", 500, 0, 2},
		{11 * time.Second, "a", 550, 5, 2},
		{20 * time.Second, "b", 500, 5, 2},
		// b last reported 35 s ago; a's 44 s ago, too long to measure a rate
		// over, so its 500 requests count as one interval's.
		{55 * time.Second, "a", 500, 10, 1},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		q, _ := a.rep("r", 10, s.client, s.requests, now)
		if q != s.want {
			t.Errorf("at %v client %s: quota %d, want %d", s.at, s.client, q, s.want)
		}
		if n := len(a.clientsOf("r", now)); n != s.active {
			t.Errorf("at %v: %d active clients, want %d", s.at, n, s.active)
		}
	}
	cs := a.clientsOf("r", t0.Add(55*time.Second))
	if len(cs) != 1 || cs[0].ClientID != "a" || cs[0].RequestsPerSecond != 50 {
		t.Errorf("clients %+v", cs)
	}
	a.forget("r")
	if len(a.clientsOf("r", t0)) != 0 {
		t.Error("Forget kept clients")
	}
}

func TestAllocConfigValidate(t *testing.T) {
	for _, c := range []AllocConfig{
		{},
		{Interval: 10 * time.Second, QuotaTTL: time.Second, Active: time.Minute},
		{Interval: time.Millisecond, QuotaTTL: time.Second, Active: time.Second},
	} {
		if _, err := NewAllocator(c, nil); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func BenchmarkReport(b *testing.B) {
	a, _ := NewAllocator(DefaultAllocConfig(), nil)
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("%024x", i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.rep("r", 50, ids[i%len(ids)], 1000, t0.Add(time.Duration(i)*time.Millisecond))
	}
}
