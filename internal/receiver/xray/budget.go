package xray

import (
	"sync"
	"time"
)

// recordBudget bounds how many refused documents are kept as log records
// (rejected.go): burst at once, then perSecond, as a token bucket. Every
// refusal is still counted; only its record is skipped. Without it each
// garbage datagram would become a stored row. Safe for concurrent use.
type recordBudget struct {
	burst, perSecond float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newRecordBudget(burst int, perSecond float64) *recordBudget {
	return &recordBudget{burst: float64(burst), perSecond: perSecond, tokens: float64(burst)}
}

// take reports whether a record may be kept at now, and spends it.
func (b *recordBudget) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.perSecond)
	}
	if now.After(b.last) {
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
