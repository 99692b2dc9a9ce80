// Package tally keeps, per project, kind and service, what arrived, when it last
// arrived and what was rejected and why, so that a service that went silent or
// whose data is being refused is visible rather than a mystery.
package tally

import (
	"sort"
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
}

// Rejection counts refusals for one reason and keeps the last message.
type Rejection struct {
	Count       int64
	LastMessage string
	Last        time.Time
}

// Tally is safe for concurrent use. The zero value is not usable; call New.
type Tally struct {
	now     func() time.Time
	mu      sync.Mutex
	entries map[Key]*Entry
}

// New returns an empty tally. now may be nil (time.Now).
func New(now func() time.Time) *Tally {
	if now == nil {
		now = time.Now
	}
	return &Tally{now: now, entries: map[Key]*Entry{}}
}

func (t *Tally) entry(k Key) *Entry {
	e, ok := t.entries[k]
	if !ok {
		e = &Entry{Key: k, Rejected: map[string]Rejection{}}
		t.entries[k] = e
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
	e.LastAccepted = t.now()
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
	r.LastMessage = message
	r.Last = t.now()
	e.Rejected[reason] = r
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
