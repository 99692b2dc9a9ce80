package logsearch

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"lookout/internal/query/insights"
)

// Status is where a Logs Insights query stands, named as the CloudWatch
// Logs API names it.
type Status string

// The statuses a query goes through: Scheduled until a slot is free,
// Running, then one of the final four.
const (
	Scheduled Status = "Scheduled"
	Running   Status = "Running"
	Complete  Status = "Complete"
	Failed    Status = "Failed"
	Cancelled Status = "Cancelled"
	Timeout   Status = "Timeout"
)

var (
	// ErrTooManyQueries refuses a query while QueryLimits.Active queries
	// are Scheduled or Running.
	ErrTooManyQueries = errors.New("too many concurrent queries")
	// ErrQueryNotFound is the answer for an id the service does not know
	// in the caller's project (never known, or forgotten).
	ErrQueryNotFound = errors.New("query does not exist")
	// ErrClosed refuses queries after Close.
	ErrClosed = errors.New("logsearch: closed")
)

// Job is a compiled Logs Insights query and where to run it.
type Job struct {
	Project            string
	Text               string // the query as written, for listings
	Query              *insights.Query
	Groups             []string // at least one
	StartNano, EndNano int64    // [start, end) of the event time
	Limit              int      // row cap; 0: the query's own or insights.DefaultLimit
}

// QueryResults is what a query has produced so far: Rows once it is
// Complete, Stats (updated while it runs) at any time.
type QueryResults struct {
	Status Status
	Rows   [][]insights.Field
	Stats  insights.Statistics
}

// QueryInfo describes one remembered query.
type QueryInfo struct {
	ID      string
	Text    string
	Status  Status
	Created time.Time
	Groups  []string
}

// QueryList selects remembered queries of a project: those over Group when
// set, in Status when set, at most Limit (0: all), newest first.
type QueryList struct {
	Project string
	Group   *string
	Status  Status
	Limit   int
}

// StartQuery registers the job and runs it in the background, within
// QueryLimits.Budget; it returns the query's id. Beyond QueryLimits.Active
// active queries it fails with ErrTooManyQueries.
func (s *Service) StartQuery(job Job) (string, error) { return s.queries.start(job) }

// QueryResults reports a query of the project; ErrQueryNotFound when there
// is none by that id.
func (s *Service) QueryResults(project, id string) (QueryResults, error) {
	m := s.queries
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.lookupLocked(project, id)
	if q == nil {
		return QueryResults{}, ErrQueryNotFound
	}
	return QueryResults{Status: q.status, Rows: q.results, Stats: q.stats}, nil
}

// StopQuery cancels a Scheduled or Running query of the project (it ends
// Cancelled) and reports whether it did; false when the query had already
// finished. ErrQueryNotFound when there is none by that id.
func (s *Service) StopQuery(project, id string) (bool, error) {
	m := s.queries
	m.mu.Lock()
	q := m.lookupLocked(project, id)
	if q == nil {
		m.mu.Unlock()
		return false, ErrQueryNotFound
	}
	ok := q.finished.IsZero() && !q.stopped
	q.stopped = q.stopped || ok
	m.mu.Unlock()
	if ok {
		q.cancel()
	}
	return ok, nil
}

// Queries lists the remembered queries l selects.
func (s *Service) Queries(l QueryList) []QueryInfo {
	m := s.queries
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []QueryInfo{}
	for _, q := range m.queries {
		if q.job.Project != l.Project || (l.Status != "" && q.status != l.Status) ||
			(l.Group != nil && !slices.Contains(q.job.Groups, *l.Group)) {
			continue
		}
		out = append(out, QueryInfo{ID: q.id, Text: q.job.Text, Status: q.status, Created: q.created,
			Groups: slices.Clone(q.job.Groups)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.UnixMilli() > out[j].Created.UnixMilli() })
	if l.Limit > 0 {
		out = out[:min(l.Limit, len(out))]
	}
	return out
}

// tooMany words ErrTooManyQueries with the limit.
func tooMany(active int) error { return fmt.Errorf("%w (at most %d)", ErrTooManyQueries, active) }
