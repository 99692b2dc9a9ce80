package xray

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"lookout/internal/caller"
	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/xraysampling"
)

// Paths of the X-Ray sampling operations (restJson1, all POST) and of
// Lookout's sampling diagnostics (JSON).
const (
	CreateSamplingRulePath         = "/CreateSamplingRule"
	UpdateSamplingRulePath         = "/UpdateSamplingRule"
	DeleteSamplingRulePath         = "/DeleteSamplingRule"
	GetSamplingRulesPath           = "/GetSamplingRules"
	SamplingTargetsPath            = "/SamplingTargets"            // GetSamplingTargets
	SamplingStatisticSummariesPath = "/SamplingStatisticSummaries" // GetSamplingStatisticSummaries
	SamplingDiagnosticsPath        = "/api/xray/sampling"
	SamplingMatchPath              = "/api/xray/sampling/match"
)

// SamplingRuleKind is the kind of the documents sampling rules are stored as.
const SamplingRuleKind = "xray.sampling-rule"

// RuleStore keeps the rules.
type RuleStore interface {
	PutDocument(ctx context.Context, d store.Document, ifVersion int64) (store.Document, error)
	Documents(ctx context.Context, project, kind string) ([]store.Document, error)
	DeleteDocument(ctx context.Context, project, kind, name string, ifVersion int64) error
}

// SegmentReader is what the diagnostics read of the stored segments.
type SegmentReader interface {
	// Services lists the services that stored spans or logs in [start, end).
	Services(ctx context.Context, project string, start, end time.Time) ([]store.ServiceStat, error)
	TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error)
	SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error)
}

// SamplingConfig configures the sampling API.
type SamplingConfig struct {
	// MaxRules is the number of rules besides Default (X-Ray: 25).
	MaxRules int
	// PageSize is the number of records per GetSamplingRules and
	// GetSamplingStatisticSummaries page. Default 100, more than the rules
	// there can be: the OpenTelemetry sampler does not page.
	PageSize int
	// Region and AccountID appear in rule ARNs.
	Region, AccountID string
	// Alloc shares the reservoirs (GetSamplingTargets).
	Alloc xraysampling.AllocConfig
	// StatsWindow and StatsKeep: statistics are summed per rule per window
	// and kept (in memory) that long. Defaults 10s and 1h.
	StatsWindow, StatsKeep time.Duration
	// DiagServices and DiagTraces bound what the diagnostics read for a
	// rule that matched nothing: the traces of at most DiagServices services
	// its ServiceName matches, the newest DiagTraces of each. Defaults 5, 200.
	DiagServices, DiagTraces int
	// Project maps a request to its project; nil: model.DefaultProject.
	Project func(*http.Request) string
	Logger  *slog.Logger // nil: slog.Default()
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// DefaultSamplingConfig returns the defaults documented on SamplingConfig.
func DefaultSamplingConfig() SamplingConfig {
	return SamplingConfig{MaxRules: 25, PageSize: 100, Region: "us-east-1", AccountID: "000000000000",
		Alloc: xraysampling.DefaultAllocConfig(), StatsWindow: 10 * time.Second, StatsKeep: time.Hour,
		DiagServices: 5, DiagTraces: 200}
}

// Validate reports the first invalid field.
func (c SamplingConfig) Validate() error {
	switch {
	case c.MaxRules < 0 || c.PageSize <= 0 || c.DiagServices <= 0 || c.DiagTraces <= 0:
		return errors.New("xray sampling: MaxRules must not be negative; PageSize, DiagServices, DiagTraces must be positive")
	case c.Region == "" || c.AccountID == "":
		return errors.New("xray sampling: Region and AccountID must be set")
	case c.StatsWindow <= 0 || c.StatsKeep < c.StatsWindow:
		return errors.New("xray sampling: StatsWindow must be positive and StatsKeep at least StatsWindow")
	}
	return c.Alloc.Validate()
}

// SamplingAPI serves X-Ray centralized sampling in the REST-JSON shapes of
// the AWS SDKs (rule CRUD, GetSamplingRules, GetSamplingTargets,
// GetSamplingStatisticSummaries) and Lookout's diagnostics of the rules.
// Rules are kept in the RuleStore and answered from memory; reservoir
// quotas and statistics live in memory only. Safe for concurrent use.
type SamplingAPI struct {
	cfg  SamplingConfig
	docs RuleStore
	segs SegmentReader // nil: diagnostics do not compare with stored segments
	log  *slog.Logger

	mu   sync.Mutex
	sets map[string]*ruleSet // by project
}

// ruleSet is one project's rules and what clients reported for them.
type ruleSet struct {
	mu      sync.Mutex
	loaded  bool
	rules   map[string]*ruleRecord // by name; Default always present once loaded
	lastMod time.Time              // latest create, update or delete
	alloc   *xraysampling.Allocator
	stats   *xraysampling.Stats
}

// ruleRecord is a rule as stored: the document body (JSON) and its version.
type ruleRecord struct {
	Rule       xraysampling.Rule `json:"SamplingRule"`
	CreatedAt  time.Time         `json:"CreatedAt"`
	ModifiedAt time.Time         `json:"ModifiedAt"`
	Tags       []samplingTag     `json:"Tags,omitempty"`
	version    int64             // 0: the built-in Default, never stored
}

type samplingTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// NewSamplingAPI builds the API over docs; segs may be nil.
func NewSamplingAPI(cfg SamplingConfig, docs RuleStore, segs SegmentReader) (*SamplingAPI, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if docs == nil {
		return nil, errors.New("xray sampling: nil rule store")
	}
	a := &SamplingAPI{cfg: cfg, docs: docs, segs: segs, log: cfg.Logger, sets: map[string]*ruleSet{}}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.cfg.Now == nil {
		a.cfg.Now = time.Now
	}
	return a, nil
}

// Register mounts the six X-Ray operations (POST only) on mux: the daemon
// address, where the SDKs poll, and the main port.
func (a *SamplingAPI) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+CreateSamplingRulePath, a.createRule)
	mux.HandleFunc("POST "+UpdateSamplingRulePath, a.updateRule)
	mux.HandleFunc("POST "+DeleteSamplingRulePath, a.deleteRule)
	mux.HandleFunc("POST "+GetSamplingRulesPath, a.getRules)
	mux.HandleFunc("POST "+SamplingTargetsPath, a.getTargets)
	mux.HandleFunc("POST "+SamplingStatisticSummariesPath, a.getSummaries)
}

// RegisterDiagnostics mounts Lookout's sampling diagnostics on mux (the
// main port).
func (a *SamplingAPI) RegisterDiagnostics(mux *http.ServeMux) {
	mux.HandleFunc("GET "+SamplingDiagnosticsPath, a.diagnostics)
	mux.HandleFunc("POST "+SamplingMatchPath, a.match)
}

func (a *SamplingAPI) project(r *http.Request) string {
	if a.cfg.Project != nil {
		return a.cfg.Project(r)
	}
	return projectFor(caller.AccessKeyID(r))
}

// withSet runs fn with the project's rule set loaded and locked.
func (a *SamplingAPI) withSet(ctx context.Context, project string, fn func(*ruleSet) error) error {
	a.mu.Lock()
	s := a.sets[project]
	if s == nil {
		alloc, err := xraysampling.NewAllocator(a.cfg.Alloc)
		if err != nil {
			a.mu.Unlock()
			return err
		}
		s = &ruleSet{alloc: alloc, stats: xraysampling.NewStats(a.cfg.StatsWindow, a.cfg.StatsKeep)}
		a.sets[project] = s
	}
	a.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		if err := a.load(ctx, project, s); err != nil {
			return err
		}
	}
	return fn(s)
}

// load reads the project's rules. A document that does not decode is
// logged and left out rather than failing every request.
func (a *SamplingAPI) load(ctx context.Context, project string, s *ruleSet) error {
	docs, err := a.docs.Documents(ctx, project, SamplingRuleKind)
	if err != nil {
		return fmt.Errorf("load sampling rules: %w", err)
	}
	s.rules = map[string]*ruleRecord{xraysampling.DefaultRuleName: {Rule: xraysampling.DefaultRule()}}
	for _, d := range docs {
		rec := &ruleRecord{}
		if err := json.Unmarshal(d.Body, rec); err != nil || rec.Rule.RuleName != d.Name {
			a.log.Error("xray sampling: unreadable rule document left out", "project", project, "name", d.Name, "err", err)
			continue
		}
		if rec.Rule.Attributes == nil {
			rec.Rule.Attributes = map[string]string{}
		}
		rec.version = d.Version
		s.rules[d.Name] = rec
		s.lastMod = latest(s.lastMod, rec.ModifiedAt)
	}
	s.loaded = true
	return nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// save writes rec, replacing the version it was read at; the answer waits
// for it (the store's writes are durable when they return).
func (a *SamplingAPI) save(ctx context.Context, project string, rec *ruleRecord) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	d, err := a.docs.PutDocument(ctx, store.Document{Project: project, Kind: SamplingRuleKind,
		Name: rec.Rule.RuleName, Body: body}, rec.version)
	if err != nil {
		return err
	}
	rec.version = d.Version
	return nil
}

// sorted returns the rules in evaluation order.
func (s *ruleSet) sorted() []*ruleRecord {
	out := make([]*ruleRecord, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return xraysampling.Less(out[i].Rule, out[j].Rule) })
	return out
}

// byCreation returns the rules as GetSamplingRules lists them: Default
// (created at 0) first, then by creation, then by name.
func (s *ruleSet) byCreation() []*ruleRecord {
	out := make([]*ruleRecord, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return creationLess(out[i], out[j].CreatedAt, out[j].Rule.RuleName) })
	return out
}

func creationLess(r *ruleRecord, at time.Time, name string) bool {
	if !r.CreatedAt.Equal(at) {
		return r.CreatedAt.Before(at)
	}
	return r.Rule.RuleName < name
}

// arn is the rule's ARN.
func (a *SamplingAPI) arn(name string) string {
	return "arn:aws:xray:" + a.cfg.Region + ":" + a.cfg.AccountID + ":sampling-rule/" + name
}

// nameOf resolves a rule given by name and/or ARN (both must agree).
func nameOf(name, arn *string, member string) (string, error) {
	var fromARN string
	if arn != nil {
		_, n, ok := strings.Cut(*arn, ":sampling-rule/")
		if !strings.HasPrefix(*arn, "arn:") || !ok || n == "" {
			return "", &apiError{http.StatusBadRequest, "InvalidRequestException",
				fmt.Sprintf("%s.RuleARN %q is not a sampling rule ARN (arn:aws:xray:<region>:<account>:sampling-rule/<name>)", member, *arn)}
		}
		fromARN = n
	}
	switch {
	case name != nil && arn != nil && *name != fromARN:
		return "", &apiError{http.StatusBadRequest, "InvalidRequestException",
			fmt.Sprintf("%s.RuleName %q and %s.RuleARN %q name different rules", member, *name, member, *arn)}
	case name != nil:
		return *name, nil
	case arn != nil:
		return fromARN, nil
	}
	return "", &apiError{http.StatusBadRequest, "InvalidRequestException", member + ".RuleName or " + member + ".RuleARN is required"}
}

// apiError is an answer in the X-Ray error shape.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func invalidf(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(format, args...)}
}

// fail answers err: an apiError as itself, a rule field error as
// InvalidRequestException, anything else as InternalFailure.
func (a *SamplingAPI) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	var ae *apiError
	var fe *xraysampling.FieldError
	switch {
	case errors.As(err, &ae):
		awsError(w, ae.status, ae.code, ae.message)
	case errors.As(err, &fe):
		awsError(w, http.StatusBadRequest, "InvalidRequestException", fe.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
	default:
		a.log.Error("x-ray sampling api", "op", op, "err", err)
		awsError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
	}
}
