package xraysampling

import (
	"errors"
	"hash/fnv"
	"math"
	"sort"
	"time"
)

// AllocConfig tunes how reservoirs are shared.
type AllocConfig struct {
	// Interval is how often clients should report (GetSamplingTargets'
	// Interval). Default 10s, what the X-Ray SDKs use anyway.
	Interval time.Duration
	// QuotaTTL is how long a quota stays valid after it is handed out: an
	// interval and some slack for the SDKs' jittered, whole-second polling.
	// Default 15s.
	QuotaTTL time.Duration
	// Active is how long after its last report a client still counts for a
	// rule. The SDKs report a rule only when it matched requests, so a client
	// that went quiet drops out after this. At least QuotaTTL, so that no
	// client is forgotten while its quota is valid. Default 30s.
	Active time.Duration
}

// DefaultAllocConfig returns the defaults documented on AllocConfig.
func DefaultAllocConfig() AllocConfig {
	return AllocConfig{Interval: 10 * time.Second, QuotaTTL: 15 * time.Second, Active: 30 * time.Second}
}

// Validate reports the first invalid field.
func (c AllocConfig) Validate() error {
	if c.Interval < time.Second || c.QuotaTTL < c.Interval || c.Active < c.QuotaTTL {
		return errors.New("xraysampling: Interval must be at least 1s, QuotaTTL at least Interval, Active at least QuotaTTL")
	}
	return nil
}

// Allocator shares each rule's reservoir (requests per second across all
// clients) among the clients that reported for the rule recently. Each
// report records the client's demand (requests per second since its last
// report) and returns its quota. The fair share is computed over every
// active client: demands are filled smallest first (max-min fair), what is
// left is spread evenly, and a unit that cannot be split goes to a client
// picked by a hash of its id and the current interval, so small reservoirs
// rotate among many clients. A client is handed its fair share only as far
// as the other clients' unexpired quotas leave room: the quotas of a rule
// valid at any instant never add up to more than its ReservoirSize. So a
// newcomer gets what is unallocated (maybe 0) and the rest moves to it as
// the others report again and are handed their smaller shares. (A
// ReservoirSize lowered by an update is the exception: quotas handed out
// before stay valid until they expire.) Not safe for concurrent use.
type Allocator struct {
	cfg   AllocConfig
	rules map[string]map[string]*client // rule name → client id →
}

type client struct {
	last   time.Time
	demand float64 // requests per second in its last report
	quota  int
	ttl    time.Time
}

// NewAllocator returns an allocator with no clients.
func NewAllocator(cfg AllocConfig) (*Allocator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Allocator{cfg: cfg, rules: map[string]map[string]*client{}}, nil
}

// Interval is the reporting interval clients are told.
func (a *Allocator) Interval() time.Duration { return a.cfg.Interval }

// Report records that clientID saw requests matching the rule (whose
// reservoir is reservoir per second) since its previous report, and returns
// the client's quota and when it expires.
func (a *Allocator) Report(rule string, reservoir int, clientID string, requests int64, now time.Time) (int, time.Time) {
	clients := a.rules[rule]
	if clients == nil {
		clients = map[string]*client{}
		a.rules[rule] = clients
	}
	a.prune(clients, now)
	c := clients[clientID]
	elapsed := a.cfg.Interval
	if c == nil {
		c = &client{}
		clients[clientID] = c
	} else if d := now.Sub(c.last); d > 0 && d <= a.cfg.Active {
		elapsed = d
	}
	c.last = now
	c.demand = float64(max(requests, 0)) / math.Max(elapsed.Seconds(), 1)
	reservoir = max(reservoir, 0)
	fair := share(reservoir, clients, a.epoch(now))[clientID]
	// The client's own quota is replaced by this one; the others' stand
	// until they expire or their clients report again.
	held := 0
	for id, o := range clients {
		if id != clientID && o.ttl.After(now) {
			held += o.quota
		}
	}
	c.quota, c.ttl = min(fair, max(reservoir-held, 0)), now.Add(a.cfg.QuotaTTL)
	return c.quota, c.ttl
}

// epoch numbers the reporting intervals; the rotation changes with it.
func (a *Allocator) epoch(now time.Time) int64 {
	return now.Unix() / int64(a.cfg.Interval/time.Second)
}

func (a *Allocator) prune(clients map[string]*client, now time.Time) {
	for id, c := range clients {
		if now.Sub(c.last) > a.cfg.Active {
			delete(clients, id)
		}
	}
}

// Forget drops what is known of a rule's clients (the rule was deleted).
func (a *Allocator) Forget(rule string) { delete(a.rules, rule) }

// ClientState is what the allocator knows of one client of a rule.
type ClientState struct {
	ClientID          string    `json:"clientId"`
	LastReport        time.Time `json:"lastReport"`
	RequestsPerSecond float64   `json:"requestsPerSecond"`
	Quota             int       `json:"quota"`
	QuotaExpires      time.Time `json:"quotaExpires"`
}

// Clients lists the rule's active clients at now, by id.
func (a *Allocator) Clients(rule string, now time.Time) []ClientState {
	out := []ClientState{}
	for id, c := range a.rules[rule] {
		if now.Sub(c.last) <= a.cfg.Active {
			out = append(out, ClientState{ClientID: id, LastReport: c.last, RequestsPerSecond: c.demand,
				Quota: c.quota, QuotaExpires: c.ttl})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ClientID < out[j].ClientID })
	return out
}

// share splits reservoir units among the clients. Needs (demand rounded up)
// are filled max-min fair, the rest spread evenly; units that do not divide
// go in rotation order (hash of id and epoch).
func share(reservoir int, clients map[string]*client, epoch int64) map[string]int {
	ids := make([]string, 0, len(clients))
	for id := range clients {
		ids = append(ids, id)
	}
	// FNV alone keeps ids that differ in one byte in the same order whatever
	// follows; the splitmix64 finaliser makes the order change every epoch.
	rank := func(id string) uint64 {
		h := fnv.New64a()
		h.Write([]byte(id))
		x := h.Sum64() ^ uint64(epoch)*0x9e3779b97f4a7c15
		x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
		x = (x ^ x>>27) * 0x94d049bb133111eb
		return x ^ x>>31
	}
	sort.Slice(ids, func(i, j int) bool {
		ri, rj := rank(ids[i]), rank(ids[j])
		if ri != rj {
			return ri < rj
		}
		return ids[i] < ids[j]
	})
	need := make([]int, len(ids))
	for i, id := range ids {
		need[i] = int(math.Min(math.Ceil(clients[id].demand), float64(reservoir)))
	}
	give := make([]int, len(ids))
	left := reservoir
	for left > 0 {
		var unmet []int
		for i := range ids {
			if give[i] < need[i] {
				unmet = append(unmet, i)
			}
		}
		if len(unmet) == 0 {
			break
		}
		each := left / len(unmet)
		if each == 0 {
			for _, i := range unmet[:left] {
				give[i]++
			}
			left = 0
			break
		}
		for _, i := range unmet {
			g := min(each, need[i]-give[i])
			give[i] += g
			left -= g
		}
	}
	if n := len(ids); n > 0 && left > 0 { // everyone's demand is met: spread the headroom
		for i := range ids {
			give[i] += left / n
			if i < left%n {
				give[i]++
			}
		}
	}
	out := make(map[string]int, len(ids))
	for i, id := range ids {
		out[id] = give[i]
	}
	return out
}
