package tally

import (
	"testing"
	"time"
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
