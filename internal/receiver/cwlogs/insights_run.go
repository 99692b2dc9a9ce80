package cwlogs

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"lookout/internal/query/insights"
	"lookout/internal/store"
)

// Query statuses as the API reports them.
const (
	statusScheduled = "Scheduled"
	statusRunning   = "Running"
	statusComplete  = "Complete"
	statusFailed    = "Failed"
	statusCancelled = "Cancelled"
	statusTimeout   = "Timeout"
)

// queryLimits bound the Insights queries of one handler.
type queryLimits struct {
	Running   int           // queries evaluated at once; the others wait Scheduled
	Active    int           // Scheduled + Running; more gives LimitExceededException
	Kept      int           // queries remembered (finished ones evicted oldest first)
	KeepFor   time.Duration // a finished query's results stay this long
	Budget    time.Duration // a query running longer ends with status Timeout
	ChunkRows int           // events read per store query
}

func defaultQueryLimits() queryLimits {
	return queryLimits{Running: 2, Active: 30, Kept: 200, KeepFor: 15 * time.Minute,
		Budget: 5 * time.Minute, ChunkRows: 10_000}
}

// queryJob is what StartQuery decided: the compiled query and where to run it.
type queryJob struct {
	project            string
	text               string
	query              *insights.Query
	groups             []string
	startNano, endNano int64 // [start, end)
	limit              int   // 0: the query's or the default
}

// queryState is one query's record; fields after job are guarded by the
// registry's mutex.
type queryState struct {
	id      string
	job     queryJob
	created time.Time
	cancel  context.CancelFunc
	done    chan struct{} // closed when the goroutine ends

	status   string
	stopped  bool
	results  [][]insights.Field
	stats    insights.Statistics
	finished time.Time
}

// queryRegistry runs Insights queries in goroutines (at most
// limits.Running at once, each within limits.Budget) and keeps their
// results in memory for limits.KeepFor. Evaluation is in Go over events
// streamed from store.LogGroupEvents with time range and groups pushed
// down. When the shared query model (internal/query) can run Insights
// queries in the store, run is the place to hand over to it.
type queryRegistry struct {
	events  store.LogGroupEvents
	log     *slog.Logger
	now     func() time.Time
	account string
	lim     queryLimits
	slots   chan struct{}

	mu      sync.Mutex
	queries map[string]*queryState
}

func newQueryRegistry(events store.LogGroupEvents, log *slog.Logger, now func() time.Time, account string, lim queryLimits) *queryRegistry {
	return &queryRegistry{events: events, log: log, now: now, account: account, lim: lim,
		slots: make(chan struct{}, lim.Running), queries: map[string]*queryState{}}
}

// start registers the job and runs it in the background; it returns the
// query id, or LimitExceededException when too many queries are active.
func (m *queryRegistry) start(job queryJob) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.evictLocked()
	active := 0
	for _, q := range m.queries {
		if q.status == statusScheduled || q.status == statusRunning {
			active++
		}
	}
	if active >= m.lim.Active {
		return "", newAPIError("LimitExceededException", "too many concurrent queries (at most %d)", m.lim.Active)
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.lim.Budget)
	q := &queryState{id: requestID(), job: job, created: m.now(), cancel: cancel,
		done: make(chan struct{}), status: statusScheduled}
	m.queries[q.id] = q
	go m.run(ctx, q)
	return q.id, nil
}

// evictLocked drops finished queries older than KeepFor, then the oldest
// finished ones beyond Kept.
func (m *queryRegistry) evictLocked() {
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

func (m *queryRegistry) run(ctx context.Context, q *queryState) {
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
	q.status = statusRunning
	m.mu.Unlock()
	r := q.job.query.NewRun(insights.Options{Limit: q.job.limit, Account: m.account})
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
func (m *queryRegistry) scan(ctx context.Context, q *queryState, r *insights.Run) error {
	for _, g := range q.job.groups {
		sq := store.GroupEventQuery{Project: q.job.project, Group: g, StartNano: q.job.startNano,
			EndNano: q.job.endNano, Limit: m.lim.ChunkRows}
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

// eventPtr names an event for @ptr.
func eventPtr(group string, p store.EventPosition) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d", group, p.Stream, p.TimeNano, p.ObservedNano))
}

func (m *queryRegistry) finish(q *queryState, rows [][]insights.Field, st insights.Statistics, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q.finished, q.stats = m.now(), st
	switch {
	case q.stopped:
		q.status = statusCancelled
	case errors.Is(err, context.DeadlineExceeded):
		q.status = statusTimeout
	case err != nil:
		q.status = statusFailed
		m.log.Warn("cwlogs: insights query failed", "query", q.id, "err", err)
	default:
		q.status, q.results = statusComplete, rows
	}
}

// lookup finds a query of the caller's project.
func (m *queryRegistry) lookup(c *call, body []byte) (*queryState, error) {
	var in queryIDInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.QueryID == nil || *in.QueryID == "" {
		return nil, invalidParam("queryId is required")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.evictLocked()
	q := m.queries[*in.QueryID]
	if q == nil || q.job.project != c.project {
		return nil, &apiError{"ResourceNotFoundException", http.StatusBadRequest, "Query does not exist."}
	}
	return q, nil
}

func (m *queryRegistry) getQueryResults(_ context.Context, c *call, body []byte) (any, error) {
	q, err := m.lookup(c, body)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := getQueryResultsOutput{Status: q.status, Results: make([][]resultField, 0, len(q.results)),
		QueryLanguage: "CWLI", Statistics: queryStatistics{q.stats.RecordsMatched, q.stats.RecordsScanned, q.stats.BytesScanned}}
	for _, row := range q.results {
		fs := make([]resultField, len(row))
		for i, f := range row {
			fs[i] = resultField{f.Name, f.Value}
		}
		out.Results = append(out.Results, fs)
	}
	return out, nil
}

// stopQuery cancels a Scheduled or Running query; success is false when
// it had already finished.
func (m *queryRegistry) stopQuery(_ context.Context, c *call, body []byte) (any, error) {
	q, err := m.lookup(c, body)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	ok := q.finished.IsZero() && !q.stopped
	q.stopped = q.stopped || ok
	m.mu.Unlock()
	if ok {
		q.cancel()
	}
	return struct {
		Success bool `json:"success"`
	}{ok}, nil
}

func (m *queryRegistry) describeQueries(_ context.Context, c *call, body []byte) (any, error) {
	var in describeQueriesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	limit, err := checkLimit("maxResults", in.MaxResults, 1000, 1000)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []queryInfo{}
	for _, q := range m.queries {
		if q.job.project != c.project || (in.Status != "" && q.status != in.Status) ||
			(in.LogGroupName != nil && !contains(q.job.groups, *in.LogGroupName)) {
			continue
		}
		out = append(out, queryInfo{QueryID: q.id, QueryString: q.job.text, Status: q.status,
			CreateTime: q.created.UnixMilli(), LogGroupName: q.job.groups[0], QueryLanguage: "CWLI"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreateTime > out[j].CreateTime })
	return struct {
		Queries []queryInfo `json:"queries"`
	}{out[:min(limit, len(out))]}, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
