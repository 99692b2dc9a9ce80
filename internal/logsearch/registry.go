package logsearch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"lookout/internal/query/insights"
	"lookout/internal/store"
)

// queryState is one query's record; fields after done are guarded by the
// registry's mutex.
type queryState struct {
	id      string
	job     Job
	created time.Time
	cancel  context.CancelFunc
	done    chan struct{} // closed when the goroutine ends

	status   Status
	stopped  bool
	results  [][]insights.Field
	stats    insights.Statistics
	finished time.Time
}

// registry runs Insights queries in goroutines (at most lim.Running at
// once, each within lim.Budget) and keeps their results in memory for
// lim.KeepFor. Evaluation is in Go over events streamed from
// store.LogGroupEvents with time range and group pushed down. When the
// shared query model (internal/query) can run Insights queries in the
// store, scan is the place to hand over to it.
type registry struct {
	events  store.LogGroupEvents
	log     *slog.Logger
	now     func() time.Time
	account string
	lim     QueryLimits
	slots   chan struct{}
	running sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	queries map[string]*queryState
}

func newRegistry(events store.LogGroupEvents, log *slog.Logger, now func() time.Time, account string, lim QueryLimits) *registry {
	return &registry{events: events, log: log, now: now, account: account, lim: lim,
		slots: make(chan struct{}, lim.Running), queries: map[string]*queryState{}}
}

// start registers the job and runs it in the background.
func (m *registry) start(job Job) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return "", ErrClosed
	}
	m.evictLocked()
	active := 0
	for _, q := range m.queries {
		if q.status == Scheduled || q.status == Running {
			active++
		}
	}
	if active >= m.lim.Active {
		return "", tooMany(m.lim.Active)
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.lim.Budget)
	q := &queryState{id: newQueryID(), job: job, created: m.now(), cancel: cancel,
		done: make(chan struct{}), status: Scheduled}
	m.queries[q.id] = q
	m.running.Add(1)
	go m.run(ctx, q)
	return q.id, nil
}

// close stops every unfinished query and waits for their goroutines.
func (m *registry) close() {
	m.mu.Lock()
	m.closed = true
	for _, q := range m.queries {
		if q.finished.IsZero() {
			q.stopped = true
			q.cancel()
		}
	}
	m.mu.Unlock()
	m.running.Wait()
}

// lookupLocked finds a query of the project, after forgetting the expired.
func (m *registry) lookupLocked(project, id string) *queryState {
	m.evictLocked()
	q := m.queries[id]
	if q == nil || q.job.Project != project {
		return nil
	}
	return q
}

// evictLocked drops finished queries older than KeepFor, then the oldest
// finished ones beyond Kept.
func (m *registry) evictLocked() {
	var finished []*queryState
	for id, q := range m.queries {
		if q.finished.IsZero() {
			continue
		}
		if m.now().Sub(q.finished) > m.lim.KeepFor {
			delete(m.queries, id)
			continue
		}
		finished = append(finished, q)
	}
	if extra := len(m.queries) - m.lim.Kept; extra > 0 {
		sort.Slice(finished, func(i, j int) bool { return finished[i].finished.Before(finished[j].finished) })
		for _, q := range finished[:min(extra, len(finished))] {
			delete(m.queries, q.id)
		}
	}
}

func (m *registry) run(ctx context.Context, q *queryState) {
	defer m.running.Done()
	defer close(q.done)
	defer q.cancel()
	select {
	case m.slots <- struct{}{}:
		defer func() { <-m.slots }()
	case <-ctx.Done():
		m.finish(q, nil, insights.Statistics{}, ctx.Err())
		return
	}
	m.mu.Lock()
	q.status = Running
	m.mu.Unlock()
	r := q.job.Query.NewRun(insights.Options{Limit: q.job.Limit, Account: m.account})
	err := m.scan(ctx, q, r)
	if err == nil {
		err = r.Err()
	}
	var rows [][]insights.Field
	if err == nil {
		rows = r.Results()
	}
	m.finish(q, rows, r.Statistics(), err)
}

// scan feeds the run every event of the job's groups in its time range,
// reading in chunks that each resume after the last event.
func (m *registry) scan(ctx context.Context, q *queryState, r *insights.Run) error {
	for _, g := range q.job.Groups {
		sq := store.GroupEventQuery{Project: q.job.Project, Group: g, StartNano: q.job.StartNano,
			EndNano: q.job.EndNano, Limit: m.lim.ChunkRows}
		for more := true; more && !r.Done(); {
			read := 0
			for e, err := range m.events.GroupEvents(ctx, sq) {
				if err != nil {
					return fmt.Errorf("log group %q: %w", g, err)
				}
				read++
				p := e.EventPosition
				sq.After = &p
				r.Add(&insights.Event{Group: g, Stream: e.Stream, TimeMillis: e.TimeNano / 1e6,
					IngestMillis: e.ObservedNano / 1e6, Message: e.Message, Ptr: eventPtr(g, p)})
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			more = read == sq.Limit
			m.mu.Lock()
			q.stats = r.Statistics()
			m.mu.Unlock()
		}
	}
	return nil
}

func (m *registry) finish(q *queryState, rows [][]insights.Field, st insights.Statistics, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q.finished, q.stats = m.now(), st
	switch {
	case q.stopped:
		q.status = Cancelled
	case errors.Is(err, context.DeadlineExceeded):
		q.status = Timeout
	case err != nil:
		q.status = Failed
		m.log.Warn("logsearch: insights query failed", "query", q.id, "err", err)
	default:
		q.status, q.results = Complete, rows
	}
}

// newQueryID makes an id in the UUID form the service uses.
func newQueryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
