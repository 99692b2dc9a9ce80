// Package logsearch reads the events of CloudWatch Logs log groups: pages of
// one stream in either direction (GetLogEvents), searches of a group with a
// filter pattern (FilterLogEvents) and Logs Insights queries run in the
// background. It decides how a read is cut into store queries (chunks, time
// windows, scan budgets) so that each one stays quick; callers see pages
// and positions to resume from. It reads through store.LogGroupEvents and
// lists streams through store.LogGroups, and knows no wire protocol.
package logsearch

import (
	"errors"
	"log/slog"
	"time"

	"lookout/internal/store"
)

// eventOverhead is what a page's byte size counts per event besides its
// message, as the CloudWatch Logs service counts.
const eventOverhead = 26

// Service answers reads and runs Insights queries. It is safe for
// concurrent use; Close stops the queries still running.
type Service struct {
	cfg     Config
	events  store.LogGroupEvents
	meta    store.LogGroups
	log     *slog.Logger
	now     func() time.Time
	queries *registry
}

// New builds a service over the event store and the log group metadata
// (from which it reads where a group's events begin).
func New(cfg Config, events store.LogGroupEvents, meta store.LogGroups) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if events == nil || meta == nil {
		return nil, errors.New("logsearch: event store and metadata store are required")
	}
	s := &Service{cfg: cfg, events: events, meta: meta, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.queries = newRegistry(events, s.log, s.now, cfg.Account, cfg.Queries)
	return s, nil
}

// Close cancels the Insights queries still scheduled or running (they end
// Cancelled) and waits for them; StartQuery fails afterwards.
func (s *Service) Close() { s.queries.close() }
