package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// Sessions are the web UI's logins, kept in memory: a restart logs
// everyone out. A session id is 32 random bytes; only its SHA-256 digest
// is kept. Safe for concurrent use.
type Sessions struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.Mutex
	m  map[[sha256.Size]byte]session
}

type session struct {
	project string // granted by the key logged in with
	viewing string // chosen in the UI among those granted; "" until chosen
	expires time.Time
}

// NewSessions keeps up to max sessions, each valid for ttl; now is the
// clock (nil: time.Now).
func NewSessions(ttl time.Duration, max int, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{ttl: ttl, max: max, now: now, m: map[[sha256.Size]byte]session{}}
}

// Start opens a session granting project and returns its id. When max
// sessions are open, expired ones are dropped first, then the one that
// would expire soonest.
func (s *Sessions) Start(project string) string {
	id := rand.Text() + rand.Text() // two of 128 random bits each
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= s.max {
		s.evict(now)
	}
	s.m[digest(id)] = session{project: project, expires: now.Add(s.ttl)}
	return id
}

// evict makes room for one session.
func (s *Sessions) evict(now time.Time) {
	var soonest [sha256.Size]byte
	var at time.Time
	for d, x := range s.m {
		if !x.expires.After(now) {
			delete(s.m, d)
			continue
		}
		if at.IsZero() || x.expires.Before(at) {
			soonest, at = d, x.expires
		}
	}
	if len(s.m) >= s.max {
		delete(s.m, soonest)
	}
}

// Lookup returns the project of the open session id.
func (s *Sessions) Lookup(id string) (string, bool) {
	if id == "" {
		return "", false
	}
	d := digest(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[d]
	if !ok {
		return "", false
	}
	if !x.expires.After(s.now()) {
		delete(s.m, d)
		return "", false
	}
	return x.project, true
}

// Viewing returns the project the open session id has chosen to read
// (Select), or "" when it has chosen none.
func (s *Sessions) Viewing(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[digest(id)].viewing
}

// Select records project as the one the open session id reads when a
// request names none; false when the session is not open. Whether its key
// grants project is the caller's to check.
func (s *Sessions) Select(id, project string) bool {
	d := digest(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[d]
	if !ok || !x.expires.After(s.now()) {
		return false
	}
	x.viewing = project
	s.m[d] = x
	return true
}

// End closes session id, if open.
func (s *Sessions) End(id string) {
	d := digest(id)
	s.mu.Lock()
	delete(s.m, d)
	s.mu.Unlock()
}

func digest(id string) [sha256.Size]byte { return sha256.Sum256([]byte(id)) }
