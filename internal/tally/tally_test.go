package tally

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTally(t *testing.T) {
	clock := time.Unix(1000, 0)
	tl := New(func() time.Time { return clock })
	api := Key{Project: "default", Kind: "spans", Service: "api"}
	web := Key{Project: "default", Kind: "spans", Service: "web"}

	tl.Accepted(api, 3)
	clock = clock.Add(time.Second)
	tl.Accepted(api, 2)
	tl.Accepted(web, 0) // nothing arrived: no entry
	tl.Rejected(web, "too_old", "span 1: older than retention", 4)
	tl.Rejected(web, "too_old", "span 2: older than retention", 1)

	got := tl.Snapshot()
	if len(got) != 2 {
		t.Fatalf("entries = %d, want 2: %+v", len(got), got)
	}
	tests := []struct {
		entry       Entry
		accepted    int64
		last        time.Time
		rejected    int64
		lastMessage string
	}{
		{got[0], 5, time.Unix(1001, 0), 0, ""},
		{got[1], 0, time.Time{}, 5, "span 2: older than retention"},
	}
	for i, tc := range tests {
		if tc.entry.Accepted != tc.accepted || !tc.entry.LastAccepted.Equal(tc.last) {
			t.Errorf("%d: accepted %d at %v, want %d at %v", i, tc.entry.Accepted, tc.entry.LastAccepted, tc.accepted, tc.last)
		}
		r := tc.entry.Rejected["too_old"]
		if r.Count != tc.rejected || r.LastMessage != tc.lastMessage {
			t.Errorf("%d: rejected %+v, want %d %q", i, r, tc.rejected, tc.lastMessage)
		}
	}
	// The snapshot is a copy.
	got[1].Rejected["too_old"] = Rejection{}
	if tl.Snapshot()[1].Rejected["too_old"].Count != 5 {
		t.Error("snapshot shares state with the tally")
	}
}

// TestBounded feeds more services than the tally keeps and checks the
// overflow lands in one OtherService entry per project and kind, counted,
// while known services keep their own.
func TestBounded(t *testing.T) {
	tl, err := NewWithConfig(Config{MaxKeys: 3})
	if err != nil {
		t.Fatal(err)
	}
	key := func(kind, service string) Key { return Key{Project: "default", Kind: kind, Service: service} }
	for i := range 1000 {
		tl.Accepted(key("spans", fmt.Sprintf("svc-%d", i)), 1)
	}
	tl.Accepted(key("spans", "svc-1"), 5) // known before the tally filled: still its own
	tl.Rejected(key("logs", "svc-x"), "invalid_trace_id", strings.Repeat("é", 1000), 2)
	tl.Accepted(key("logs", strings.Repeat("s", MaxServiceBytes+1)), 7)

	tests := []struct {
		key      Key
		accepted int64
		rejected int64
		folded   int64
	}{
		{key("logs", OtherService), 7, 2, 2},
		{key("spans", OtherService), 997, 0, 997},
		{key("spans", "svc-0"), 1, 0, 0},
		{key("spans", "svc-1"), 6, 0, 0},
		{key("spans", "svc-2"), 1, 0, 0},
	}
	got := tl.Snapshot()
	if len(got) != len(tests) {
		t.Fatalf("entries = %d, want %d", len(got), len(tests))
	}
	for i, tc := range tests {
		e := got[i]
		var rejected int64
		for _, r := range e.Rejected {
			rejected += r.Count
			if len(r.LastMessage) > maxMessageBytes || !utf8.ValidString(r.LastMessage) {
				t.Errorf("%v: message of %d bytes kept, valid UTF-8 %v", e.Key, len(r.LastMessage), utf8.ValidString(r.LastMessage))
			}
		}
		if e.Key != tc.key || e.Accepted != tc.accepted || rejected != tc.rejected || e.Folded != tc.folded {
			t.Errorf("%d: %v accepted %d rejected %d folded %d, want %v %d %d %d",
				i, e.Key, e.Accepted, rejected, e.Folded, tc.key, tc.accepted, tc.rejected, tc.folded)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg     Config
		wantErr bool
	}{
		{DefaultConfig(), false},
		{Config{MaxKeys: 1}, false},
		{Config{}, true},
		{Config{MaxKeys: -1}, true},
	}
	for _, tc := range tests {
		if err := tc.cfg.Validate(); (err != nil) != tc.wantErr {
			t.Errorf("Validate(%+v) = %v, want error %v", tc.cfg, err, tc.wantErr)
		}
	}
}
