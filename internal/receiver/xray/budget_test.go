package xray

import (
	"testing"
	"time"
)

func TestRecordBudget(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newRecordBudget(3, 2)
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{
		{0, true}, {0, true}, {0, true}, {0, false}, // the burst, then nothing
		{100 * time.Millisecond, false},                                                                         // 0.2 of a token
		{500 * time.Millisecond, true},                                                                          // 1 token after 0.5 s at 2/s
		{500 * time.Millisecond, false},                                                                         //
		{-time.Second, false},                                                                                   // a clock going back earns nothing
		{10 * time.Second, true}, {10 * time.Second, true}, {10 * time.Second, true}, {10 * time.Second, false}, // capped at the burst
	} {
		if got := b.take(t0.Add(tc.at)); got != tc.want {
			t.Errorf("take at %s = %v, want %v", tc.at, got, tc.want)
		}
	}
}
