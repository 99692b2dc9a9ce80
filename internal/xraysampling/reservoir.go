package xraysampling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"time"

	"lookout/internal/store"
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
// before stay valid until they expire.)
//
// What it knows of a rule's clients is kept in a store.QuotaStore, read
// and written back by each report under the store's lock: with a store
// that several nodes share, the clients polling any of them split one
// reservoir, and the sum holds across the nodes (as far as their clocks
// agree). Safe for concurrent use.
type Allocator struct {
	cfg    AllocConfig
	quotas store.QuotaStore
}

// ReservoirKind is the kind of the quota state of a rule's reservoir.
const ReservoirKind = "xray.sampling-reservoir"

// reservoirKey names the quota state of a project's rule.
func reservoirKey(project, rule string) store.QuotaKey {
	return store.QuotaKey{Project: project, Kind: ReservoirKind, Name: rule}
}

// client is what is known of one client of a rule; times are Unix
// nanoseconds. Its JSON is the quota state, so it stays short.
type client struct {
	Last   int64   `json:"l"`
	Demand float64 `json:"d"` // requests per second in its last report
	Quota  int     `json:"q"`
	TTL    int64   `json:"t"`
}

// clients are a rule's clients by id.
type clients map[string]*client

func decodeClients(state []byte) (clients, error) {
	cs := clients{}
	if len(state) == 0 {
		return cs, nil
	}
	if err := json.Unmarshal(state, &cs); err != nil {
		return nil, fmt.Errorf("reservoir state: %w", err)
	}
	for id, c := range cs {
		if c == nil {
			delete(cs, id)
		}
	}
	return cs, nil
}

// NewAllocator returns an allocator keeping its state in quotas; nil keeps
// it in this process.
func NewAllocator(cfg AllocConfig, quotas store.QuotaStore) (*Allocator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if quotas == nil {
		quotas = &store.LocalQuotas{}
	}
	return &Allocator{cfg: cfg, quotas: quotas}, nil
}

// Interval is the reporting interval clients are told.
func (a *Allocator) Interval() time.Duration { return a.cfg.Interval }

// Report records that clientID saw requests matching the project's rule
// (whose reservoir is reservoir per second) since its previous report, and
// returns the client's quota and when it expires.
func (a *Allocator) Report(ctx context.Context, project, rule string, reservoir int, clientID string, requests int64, now time.Time) (int, time.Time, error) {
	var quota int
	var ttl time.Time
	err := a.quotas.UpdateQuota(ctx, reservoirKey(project, rule), a.cfg.Active, func(state []byte) ([]byte, error) {
		cs, err := decodeClients(state)
		if err != nil {
			cs = clients{} // unreadable: share the reservoir afresh
		}
		quota, ttl = a.report(cs, reservoir, clientID, requests, now)
		return json.Marshal(cs)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("reservoir of sampling rule %q: %w", rule, err)
	}
	return quota, ttl, nil
}

// report is Report on the clients cs, which it updates.
func (a *Allocator) report(cs clients, reservoir int, clientID string, requests int64, now time.Time) (int, time.Time) {
	a.prune(cs, now)
	c := cs[clientID]
	elapsed := a.cfg.Interval
	if c == nil {
		c = &client{}
		cs[clientID] = c
	} else if d := now.Sub(time.Unix(0, c.Last)); d > 0 && d <= a.cfg.Active {
		elapsed = d
	}
	c.Last = now.UnixNano()
	c.Demand = float64(max(requests, 0)) / math.Max(elapsed.Seconds(), 1)
	reservoir = max(reservoir, 0)
	fair := share(reservoir, cs, a.epoch(now))[clientID]
	// The client's own quota is replaced by this one; the others' stand
	// until they expire or their clients report again.
	held := 0
	for id, o := range cs {
		if id != clientID && o.TTL > now.UnixNano() {
			held += o.Quota
		}
	}
	ttl := now.Add(a.cfg.QuotaTTL)
	c.Quota, c.TTL = min(fair, max(reservoir-held, 0)), ttl.UnixNano()
	return c.Quota, ttl
}

// epoch numbers the reporting intervals; the rotation changes with it.
func (a *Allocator) epoch(now time.Time) int64 {
	return now.Unix() / int64(a.cfg.Interval/time.Second)
}

func (a *Allocator) prune(cs clients, now time.Time) {
	for id, c := range cs {
		if now.Sub(time.Unix(0, c.Last)) > a.cfg.Active {
			delete(cs, id)
		}
	}
}

// Forget drops what is known of a rule's clients (the rule was deleted).
func (a *Allocator) Forget(ctx context.Context, project, rule string) error {
	return a.quotas.UpdateQuota(ctx, reservoirKey(project, rule), a.cfg.Active, func([]byte) ([]byte, error) { return nil, nil })
}

// ClientState is what the allocator knows of one client of a rule.
type ClientState struct {
	ClientID          string    `json:"clientId"`
	LastReport        time.Time `json:"lastReport"`
	RequestsPerSecond float64   `json:"requestsPerSecond"`
	Quota             int       `json:"quota"`
	QuotaExpires      time.Time `json:"quotaExpires"`
}

// Clients lists the rule's active clients at now, by id.
func (a *Allocator) Clients(ctx context.Context, project, rule string, now time.Time) ([]ClientState, error) {
	state, err := a.quotas.Quota(ctx, reservoirKey(project, rule))
	if err != nil {
		return nil, fmt.Errorf("reservoir of sampling rule %q: %w", rule, err)
	}
	cs, err := decodeClients(state)
	if err != nil {
		return nil, err
	}
	out := []ClientState{}
	for id, c := range cs {
		last := time.Unix(0, c.Last).UTC()
		if now.Sub(last) <= a.cfg.Active {
			out = append(out, ClientState{ClientID: id, LastReport: last, RequestsPerSecond: c.Demand,
				Quota: c.Quota, QuotaExpires: time.Unix(0, c.TTL).UTC()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ClientID < out[j].ClientID })
	return out, nil
}

// share splits reservoir units among the clients. Needs (demand rounded up)
// are filled max-min fair, the rest spread evenly; units that do not divide
// go in rotation order (hash of id and epoch).
func share(reservoir int, cs clients, epoch int64) map[string]int {
	ids := make([]string, 0, len(cs))
	for id := range cs {
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
		need[i] = int(math.Min(math.Ceil(cs[id].Demand), float64(reservoir)))
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
