package xraysampling

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// validSum adds up the quotas of a rule that are valid at now.
func validSum(a *Allocator, rule string, now time.Time) int {
	sum := 0
	for _, c := range a.clientsOf(rule, now) {
		if c.QuotaExpires.After(now) {
			sum += c.Quota
		}
	}
	return sum
}

// TestReservoirNeverOverCommits: whoever reports, the quotas of a rule valid
// at any instant add up to at most its ReservoirSize; a newcomer gets what
// the others left unallocated, and the fair split is reached as the others
// report again.
func TestReservoirNeverOverCommits(t *testing.T) {
	type step struct {
		at       time.Duration
		client   string
		requests int64
		// want is the quota; -1: any; below -1: whatever makes the valid
		// quotas add up to -want.
		want int
	}
	cases := []struct {
		name      string
		reservoir int
		steps     []step
	}{
		{"a newcomer waits for the holder's next report", 5, []step{
			{0, "a", 100, 5},
			{time.Second, "b", 100, 0},       // a's 5 are valid until 15 s
			{10 * time.Second, "a", 100, -1}, // 2 or 3: the odd unit rotates
			{11 * time.Second, "b", 100, -5}, // the rest
			{20 * time.Second, "a", 100, -1},
			{21 * time.Second, "b", 100, -5},
		}},
		{"the holder's quota expired: the newcomer gets it all", 5, []step{
			{0, "a", 100, 5},
			{16 * time.Second, "b", 100, 3}, // a still active (fair 2+3) but holds nothing valid
			{17 * time.Second, "a", 100, 2},
		}},
		{"a small demand leaves room for the newcomer", 10, []step{
			{0, "a", 10, 10}, // one request a second, and the headroom
			{time.Second, "b", 1000, 0},
			{10 * time.Second, "a", 10, 1}, // fair: 1 for a, 9 for b
			{11 * time.Second, "b", 1000, 9},
		}},
		{"three clients share one unit", 1, []step{
			{0, "a", 100, 1},
			{time.Second, "b", 100, 0},
			{2 * time.Second, "c", 100, 0},
		}},
		{"nothing to share", 0, []step{{0, "a", 100, 0}, {time.Second, "b", 100, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := NewAllocator(DefaultAllocConfig(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range c.steps {
				now := t0.Add(s.at)
				q, _ := a.rep("r", c.reservoir, s.client, s.requests, now)
				if s.want >= 0 && q != s.want {
					t.Errorf("at %v client %s: quota %d, want %d", s.at, s.client, q, s.want)
				}
				if sum := validSum(a, "r", now); s.want < -1 && sum != -s.want {
					t.Errorf("at %v: valid quotas add up to %d, want %d", s.at, sum, -s.want)
				}
				if sum := validSum(a, "r", now); sum > c.reservoir {
					t.Errorf("at %v: valid quotas add up to %d, more than the reservoir of %d", s.at, sum, c.reservoir)
				}
			}
		})
	}
}

// TestReservoirNeverOverCommitsRandom: many clients polling with jitter,
// joining and leaving, never hold more than the reservoir together, and
// the reservoir does not sit idle once the clients polled twice.
func TestReservoirNeverOverCommitsRandom(t *testing.T) {
	for _, reservoir := range []int{1, 2, 5, 17} {
		a, _ := NewAllocator(DefaultAllocConfig(), nil)
		rng := rand.New(rand.NewSource(int64(reservoir)))
		next := map[string]time.Duration{}
		for i := 0; i < 6; i++ {
			next[fmt.Sprintf("client-%d", i)] = time.Duration(rng.Int63n(int64(10 * time.Second)))
		}
		handed := 0
		for now := time.Duration(0); now < 10*time.Minute; now += 100 * time.Millisecond {
			for id, at := range next {
				if at > now {
					continue
				}
				if rng.Intn(40) == 0 { // leaves for a while
					next[id] = now + 45*time.Second
					continue
				}
				q, _ := a.rep("r", reservoir, id, rng.Int63n(200), t0.Add(now))
				handed += q
				if sum := validSum(a, "r", t0.Add(now)); sum > reservoir {
					t.Fatalf("reservoir %d at %v: valid quotas add up to %d", reservoir, now, sum)
				}
				next[id] = now + 10*time.Second + time.Duration(rng.Int63n(int64(time.Second)))
			}
		}
		if handed == 0 {
			t.Errorf("reservoir %d: no quota handed out in 10 minutes", reservoir)
		}
	}
}
