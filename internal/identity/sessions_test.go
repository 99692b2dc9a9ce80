package identity

import (
	"testing"
	"time"
)

func TestSessions(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSessions(time.Hour, 2, func() time.Time { return now })
	a := s.Start("shop")
	if p, ok := s.Lookup(a); !ok || p != "shop" {
		t.Fatalf("Lookup(a) = %q, %v", p, ok)
	}
	if _, ok := s.Lookup(a + "x"); ok {
		t.Fatal("a made-up id was found")
	}
	now = now.Add(time.Minute)
	b := s.Start("default")
	c := s.Start("other") // full: a, the one expiring soonest, goes
	if _, ok := s.Lookup(a); ok {
		t.Error("the oldest session survived eviction")
	}
	for _, id := range []string{b, c} {
		if _, ok := s.Lookup(id); !ok {
			t.Errorf("session %q lost", id)
		}
	}
	s.End(b)
	if _, ok := s.Lookup(b); ok {
		t.Error("an ended session was found")
	}
	now = now.Add(2 * time.Hour)
	if _, ok := s.Lookup(c); ok {
		t.Error("an expired session was found")
	}
	if len(a) < 40 || a == b {
		t.Errorf("ids %q, %q: want long and distinct", a, b)
	}
}
