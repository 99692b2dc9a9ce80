// Package samplingapi serves X-Ray's centralized sampling operations in
// the REST-JSON shapes of the AWS SDKs (CreateSamplingRule,
// UpdateSamplingRule, DeleteSamplingRule, GetSamplingRules,
// GetSamplingTargets, GetSamplingStatisticSummaries) and Lookout's
// sampling diagnostics (JSON). It decodes requests, asks a Sampler and
// renders the answer or the error; what is answered is decided by
// internal/xraysampling.
package samplingapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
	"lookout/internal/xraydaemon"
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

// Sampler keeps the rules, quotas and statistics the sampling operations
// serve. *xraysampling.Service implements it; its errors (ErrRuleExists,
// ErrNoRule, ErrDefaultRule, *LimitError, *FieldError) become X-Ray's.
type Sampler interface {
	CreateRule(ctx context.Context, project string, rule xraysampling.Rule, tags []xraysampling.Tag) (xraysampling.Record, error)
	UpdateRule(ctx context.Context, project, name string, u xraysampling.Update) (xraysampling.Record, error)
	DeleteRule(ctx context.Context, project, name string) (xraysampling.Record, error)
	Rules(ctx context.Context, project string) ([]xraysampling.Record, error)
	Targets(ctx context.Context, project string, reports []xraysampling.Report) (xraysampling.Targets, error)
	Summaries(ctx context.Context, project string) ([]xraysampling.RuleWindow, error)
	Diagnose(ctx context.Context, project string) (xraysampling.Diagnosis, error)
	Match(ctx context.Context, project string, req xraysampling.Request) (xraysampling.Decision, error)
}

// SamplingConfig configures the sampling operations.
type SamplingConfig struct {
	// PageSize is the number of records per GetSamplingRules and
	// GetSamplingStatisticSummaries page. Default 100, more than the rules
	// there can be: the OpenTelemetry sampler does not page.
	PageSize int
	// Region and AccountID appear in rule ARNs.
	Region, AccountID string
	// Project maps a request to its project; nil: model.DefaultProject.
	Project func(*http.Request) string
	// Telemetry, when set, is what the daemons reported
	// (PutTelemetryRecords), shown by the diagnostics as "daemons".
	Telemetry *xraydaemon.Telemetry
	Logger    *slog.Logger // nil: slog.Default()
}

// DefaultSamplingConfig returns the defaults documented on SamplingConfig.
func DefaultSamplingConfig() SamplingConfig {
	return SamplingConfig{PageSize: 100, Region: "us-east-1", AccountID: "000000000000"}
}

// Validate reports the first invalid field.
func (c SamplingConfig) Validate() error {
	switch {
	case c.PageSize <= 0:
		return errors.New("xray sampling api: PageSize must be positive")
	case c.Region == "" || c.AccountID == "":
		return errors.New("xray sampling api: Region and AccountID must be set")
	}
	return nil
}

// SamplingAPI serves X-Ray centralized sampling in the REST-JSON shapes of
// the AWS SDKs (rule CRUD, GetSamplingRules, GetSamplingTargets,
// GetSamplingStatisticSummaries) and Lookout's diagnostics of the rules.
// Safe for concurrent use.
type SamplingAPI struct {
	cfg SamplingConfig
	s   Sampler
	log *slog.Logger
}

// NewSamplingAPI builds the sampling operations over s.
func NewSamplingAPI(cfg SamplingConfig, s Sampler) (*SamplingAPI, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("xray sampling api: nil sampler")
	}
	a := &SamplingAPI{cfg: cfg, s: s, log: cfg.Logger}
	if a.log == nil {
		a.log = slog.Default()
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
	return model.DefaultProject
}

// arn is the rule's ARN.
func (a *SamplingAPI) arn(name string) string {
	return "arn:aws:xray:" + a.cfg.Region + ":" + a.cfg.AccountID + ":sampling-rule/" + name
}

// RuleName resolves a rule given by name and/or ARN (both must agree);
// member names the request member in messages.
func RuleName(name, arn *string, member string) (string, error) {
	var fromARN string
	if arn != nil {
		_, n, ok := strings.Cut(*arn, ":sampling-rule/")
		if !strings.HasPrefix(*arn, "arn:") || !ok || n == "" {
			return "", restjson.Invalidf("%s.RuleARN %q is not a sampling rule ARN (arn:aws:xray:<region>:<account>:sampling-rule/<name>)", member, *arn)
		}
		fromARN = n
	}
	switch {
	case name != nil && arn != nil && *name != fromARN:
		return "", restjson.Invalidf("%s.RuleName %q and %s.RuleARN %q name different rules", member, *name, member, *arn)
	case name != nil:
		return *name, nil
	case arn != nil:
		return fromARN, nil
	}
	return "", restjson.Invalidf("%s.RuleName or %s.RuleARN is required", member, member)
}

// fail answers err: an apiError as itself, a rule field error as
// InvalidRequestException, a rule beyond the limit as
// RuleLimitExceededException, anything else as InternalFailure.
func (a *SamplingAPI) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	var ae *restjson.Error
	var fe *xraysampling.FieldError
	var le *xraysampling.LimitError
	switch {
	case errors.As(err, &ae):
		ae.Write(w)
	case errors.As(err, &fe):
		restjson.WriteError(w, http.StatusBadRequest, "InvalidRequestException", fe.Error())
	case errors.As(err, &le):
		restjson.WriteError(w, http.StatusBadRequest, "RuleLimitExceededException", le.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
	default:
		a.log.Error("x-ray sampling api", "op", op, "err", err)
		restjson.WriteError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
	}
}
