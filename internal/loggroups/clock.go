package loggroups

import (
	"sync"
	"time"
)

// ingestClock hands out ingestion stamps: wall-clock nanoseconds, strictly
// increasing across every event this process ingests. The stamp is stored as
// the event's observed time; (event time, stamp) is then unique within a
// stream and gives GetLogEvents and FilterLogEvents a total order to page
// through. ingestionTime is the stamp in milliseconds.
type ingestClock struct {
	mu   sync.Mutex
	last int64
	now  func() time.Time
}

// stamps reserves n consecutive stamps and returns the first.
func (c *ingestClock) stamps(n int) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	first := max(c.now().UnixNano(), c.last+1)
	c.last = first + int64(n) - 1
	return first
}
