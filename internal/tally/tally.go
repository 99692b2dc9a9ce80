// Package tally keeps, per project, kind and service, what arrived, when it last
// arrived and what was rejected and why, so that a service that went silent or
// whose data is being refused is visible rather than a mystery.
package tally

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"time"
)

// Key identifies one stream of data.
type Key struct {
	Project string
	Kind    string // "spans", "logs", ...
	Service string // empty when the sender could not be identified
}

// Entry is what is known about one Key since the process started.
type Entry struct {
	Key
	Accepted     int64
	LastAccepted time.Time
	Rejected     map[string]Rejection // by reason
	// Folded counts the records an OtherService entry took in for keys
	// beyond the tally's bounds; zero for every other entry.
	Folded int64
}

// Rejection counts refusals for one reason and keeps the last message.
type Rejection struct {
	Count       int64
	LastMessage string
	Last        time.Time
}

// OtherService names the entry, one per project and kind, that counts every
// service beyond Config.MaxKeys and every service whose name is longer than
// MaxServiceBytes. Service names are chosen by clients, so without it a
// client could grow the tally without end.
const OtherService = "(other)"

// Bounds on what one entry keeps.
const (
	// MaxServiceBytes is the longest service name kept as its own key.
	MaxServiceBytes = 256
	// maxMessageBytes is the longest rejection message kept.
	maxMessageBytes = 1024
)

// Config bounds a tally.
type Config struct {
	// MaxKeys bounds the distinct keys kept, OtherService entries aside.
	// Past it, a key not yet known is counted in its project and kind's
	// OtherService entry. Default 10,000.
	MaxKeys int
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// DefaultConfig keeps up to 10,000 keys.
func DefaultConfig() Config { return Config{MaxKeys: 10_000} }

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.MaxKeys <= 0 {
		return errors.New("tally: MaxKeys must be positive")
	}
	return nil
}

// Tally is safe for concurrent use. The zero value is not usable; call New
// or NewWithConfig.
type Tally struct {
	cfg     Config
	mu      sync.Mutex
	entries map[Key]*Entry
	keys    int // entries that are not OtherService ones
}

// New returns an empty tally with DefaultConfig. now may be nil (time.Now).
func New(now func() time.Time) *Tally {
	cfg := DefaultConfig()
	cfg.Now = now
	t, _ := NewWithConfig(cfg) // the default is valid
	return t
}

// NewWithConfig returns an empty tally bounded by cfg.
func NewWithConfig(cfg Config) (*Tally, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tally{cfg: cfg, entries: map[Key]*Entry{}}, nil
}

// entry returns k's entry, or its OtherService entry when k is new and the
// tally is full or k's service name too long.
func (t *Tally) entry(k Key) *Entry {
	if e, ok := t.entries[k]; ok {
		return e
	}
	if len(k.Service) > MaxServiceBytes || t.keys >= t.cfg.MaxKeys {
		k.Service = OtherService
		e, ok := t.entries[k]
		if !ok {
			e = &Entry{Key: k, Rejected: map[string]Rejection{}}
			t.entries[k] = e
		}
		e.Folded++
		return e
	}
	e := &Entry{Key: k, Rejected: map[string]Rejection{}}
	t.entries[k] = e
	if k.Service != OtherService {
		t.keys++
	}
	return e
}

// Accepted records n committed items.
func (t *Tally) Accepted(k Key, n int) {
	if n <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(k)
	e.Accepted += int64(n)
	e.LastAccepted = t.cfg.Now()
}

// Rejected records n refused items with a short reason category and a message.
func (t *Tally) Rejected(k Key, reason, message string, n int) {
	if n <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(k)
	r := e.Rejected[reason]
	r.Count += int64(n)
	r.LastMessage = truncate(message, maxMessageBytes)
	r.Last = t.cfg.Now()
	e.Rejected[reason] = r
}

// truncate cuts s to at most n bytes, dropping a character cut in two (and
// any other invalid UTF-8).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// Snapshot returns a copy of every entry, sorted by project, kind, service.
func (t *Tally) Snapshot() []Entry {
	t.mu.Lock()
	out := make([]Entry, 0, len(t.entries))
	for _, e := range t.entries {
		c := *e
		c.Rejected = make(map[string]Rejection, len(e.Rejected))
		for r, v := range e.Rejected {
			c.Rejected[r] = v
		}
		out = append(out, c)
	}
	t.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if a.Project != b.Project {
			return a.Project < b.Project
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Service < b.Service
	})
	return out
}
