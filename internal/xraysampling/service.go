package xraysampling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// RuleKind is the kind of the documents rules are stored as.
const RuleKind = "xray.sampling-rule"

// RuleStore keeps the rules: the part of store.Documents the service uses.
type RuleStore interface {
	PutDocument(ctx context.Context, d store.Document, ifVersion int64) (store.Document, error)
	Documents(ctx context.Context, project, kind string) ([]store.Document, error)
	DeleteDocument(ctx context.Context, project, kind, name string, ifVersion int64) error
}

// SegmentReader is what the diagnostics read of the stored segments.
type SegmentReader interface {
	// Query aggregates spans (store.Querier): the segments per sampling
	// rule and sender.
	Query(ctx context.Context, project string, q query.Query) (query.Result, error)
	// Services lists the services that stored spans or logs in [start, end).
	Services(ctx context.Context, project string, start, end time.Time) ([]store.ServiceStat, error)
	TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error)
	SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error)
}

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// MaxRules is the number of rules besides Default (X-Ray: 25).
	MaxRules int
	// Alloc shares the reservoirs.
	Alloc AllocConfig
	// Quotas keeps what the reservoirs' sharing knows of the clients; nil:
	// this process's memory. Given the metadata store that several nodes
	// share, the clients polling any of them split each reservoir.
	Quotas store.QuotaStore
	// RuleRefresh: a project's rules are read again from the RuleStore at
	// its first use after they have been in memory this long, so that
	// changes made through another node take effect. Default 5s.
	RuleRefresh time.Duration
	// StatsWindow and StatsKeep: statistics are summed per rule per window
	// and kept (in memory) that long; the diagnostics look back StatsKeep.
	// Defaults 10s and 1h.
	StatsWindow, StatsKeep time.Duration
	// DiagServices and DiagTraces bound what the diagnostics read for a
	// rule that matched nothing: the traces of at most DiagServices services
	// its ServiceName matches, the newest DiagTraces of each. Defaults 5, 200.
	DiagServices, DiagTraces int
	// SentWindow is how far back the diagnostics compare the requests the
	// clients reported sampled with the segments that arrived under each
	// rule; reports received in the last SentSettle are left for later,
	// their segments may still be on their way. Defaults 10m and 5s.
	SentWindow, SentSettle time.Duration
	Logger                 *slog.Logger // nil: slog.Default()
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// DefaultServiceConfig returns the defaults documented on ServiceConfig.
func DefaultServiceConfig() ServiceConfig {
	return ServiceConfig{MaxRules: 25, Alloc: DefaultAllocConfig(), RuleRefresh: 5 * time.Second,
		StatsWindow: 10 * time.Second, StatsKeep: time.Hour,
		DiagServices: 5, DiagTraces: 200, SentWindow: 10 * time.Minute, SentSettle: 5 * time.Second}
}

// Validate reports the first invalid field.
func (c ServiceConfig) Validate() error {
	switch {
	case c.MaxRules < 0 || c.DiagServices <= 0 || c.DiagTraces <= 0 || c.RuleRefresh <= 0:
		return errors.New("xray sampling: MaxRules must not be negative; DiagServices, DiagTraces, RuleRefresh must be positive")
	case c.StatsWindow <= 0 || c.StatsKeep < c.StatsWindow:
		return errors.New("xray sampling: StatsWindow must be positive and StatsKeep at least StatsWindow")
	case c.SentWindow <= 0 || c.SentSettle < 0 || c.SentSettle >= c.SentWindow:
		return errors.New("xray sampling: SentWindow must be positive, SentSettle not negative and shorter than SentWindow")
	}
	return c.Alloc.Validate()
}

// Errors of the rule operations, wrapped with the rule's name.
var (
	ErrRuleExists  = errors.New("a sampling rule of that name exists")
	ErrNoRule      = errors.New("no such sampling rule")
	ErrDefaultRule = errors.New("the Default rule cannot be deleted")
)

// LimitError refuses a rule beyond ServiceConfig.MaxRules.
type LimitError struct{ Rules int }

func (e *LimitError) Error() string {
	return fmt.Sprintf("there are already %d sampling rules besides Default, the most there can be", e.Rules)
}

// Service keeps X-Ray centralized sampling for every project: the rules
// (read from the RuleStore, again every RuleRefresh, and written through
// to it), the clients' reservoir quotas (in ServiceConfig.Quotas), the
// statistics they report (in memory only), and the diagnostics of the
// rules. Safe for concurrent use.
type Service struct {
	cfg   ServiceConfig
	rules RuleStore
	segs  SegmentReader // nil: diagnostics do not compare with stored segments
	log   *slog.Logger
	alloc *Allocator

	mu   sync.Mutex
	sets map[string]*ruleSet // by project
}

// ruleSet is one project's rules and what clients reported for them.
type ruleSet struct {
	mu       sync.Mutex
	loaded   bool
	loadedAt time.Time          // when the rules were last read
	rules    map[string]*Record // by name; Default always present once loaded
	lastMod  time.Time          // latest create, update or delete
	stats    *Stats
	history  *history // each client's reports, for the sampled-but-never-sent check
}

// NewService builds a service over rules; segs may be nil.
func NewService(cfg ServiceConfig, rules RuleStore, segs SegmentReader) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rules == nil {
		return nil, errors.New("xray sampling: nil rule store")
	}
	alloc, err := NewAllocator(cfg.Alloc, cfg.Quotas)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, rules: rules, segs: segs, log: cfg.Logger, alloc: alloc, sets: map[string]*ruleSet{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.cfg.Now == nil {
		s.cfg.Now = time.Now
	}
	return s, nil
}

// withSet runs fn with the project's rule set loaded and locked.
func (s *Service) withSet(ctx context.Context, project string, fn func(*ruleSet) error) error {
	s.mu.Lock()
	set := s.sets[project]
	if set == nil {
		set = &ruleSet{stats: NewStats(s.cfg.StatsWindow, s.cfg.StatsKeep), history: newHistory(s.cfg.SentWindow)}
		s.sets[project] = set
	}
	s.mu.Unlock()
	set.mu.Lock()
	defer set.mu.Unlock()
	now := s.cfg.Now()
	switch {
	case !set.loaded:
		if err := s.load(ctx, project, set, now); err != nil {
			return err
		}
	case now.Sub(set.loadedAt) >= s.cfg.RuleRefresh:
		// Another node may have changed the rules. If the store cannot
		// say, the rules in memory serve until it can.
		if err := s.load(ctx, project, set, now); err != nil {
			s.log.Warn("xray sampling: rules not refreshed", "project", project, "err", err)
		}
	}
	return fn(set)
}

// load reads the project's rules. A document that does not decode is
// logged and left out rather than failing every request. A change since
// the last load (made through another node) counts as a modification at
// now, so that clients that fetched the rules before fetch them again.
func (s *Service) load(ctx context.Context, project string, set *ruleSet, now time.Time) error {
	docs, err := s.rules.Documents(ctx, project, RuleKind)
	if err != nil {
		return fmt.Errorf("load sampling rules: %w", err)
	}
	rules := map[string]*Record{DefaultRuleName: {Rule: DefaultRule()}}
	lastMod := set.lastMod
	for _, d := range docs {
		rec := &Record{}
		if err := json.Unmarshal(d.Body, rec); err != nil || rec.Rule.RuleName != d.Name {
			s.log.Error("xray sampling: unreadable rule document left out", "project", project, "name", d.Name, "err", err)
			continue
		}
		if rec.Rule.Attributes == nil {
			rec.Rule.Attributes = map[string]string{}
		}
		rec.version = d.Version
		rules[d.Name] = rec
		lastMod = latest(lastMod, rec.ModifiedAt)
	}
	if set.loaded && !sameVersions(set.rules, rules) {
		lastMod = latest(lastMod, now.UTC())
		for name := range set.rules {
			if rules[name] == nil {
				set.stats.Forget(name)
				set.history.forget(name)
			}
		}
	}
	set.rules, set.lastMod, set.loaded, set.loadedAt = rules, lastMod, true, now
	return nil
}

// sameVersions reports whether a and b hold the same rules at the same
// versions.
func sameVersions(a, b map[string]*Record) bool {
	if len(a) != len(b) {
		return false
	}
	for name, r := range a {
		if o := b[name]; o == nil || o.version != r.version {
			return false
		}
	}
	return true
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// save writes rec, replacing the version it was read at; it returns once
// the store's write is durable.
func (s *Service) save(ctx context.Context, project string, rec *Record) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	d, err := s.rules.PutDocument(ctx, store.Document{Project: project, Kind: RuleKind,
		Name: rec.Rule.RuleName, Body: body}, rec.version)
	if err != nil {
		return err
	}
	rec.version = d.Version
	return nil
}
