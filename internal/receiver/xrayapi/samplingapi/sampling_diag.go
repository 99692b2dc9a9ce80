package samplingapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lookout/internal/receiver/restjson"
	"lookout/internal/xraydaemon"
	"lookout/internal/xraysampling"
)

// SamplingReport is the answer of GET /api/xray/sampling.
type SamplingReport struct {
	Start                time.Time    `json:"start"`
	End                  time.Time    `json:"end"`
	LastRuleModification *time.Time   `json:"lastRuleModification"`
	Rules                []RuleReport `json:"rules"`
	// SegmentsError says what could not be read of the stored segments.
	SegmentsError string   `json:"segmentsError,omitempty"`
	Notes         []string `json:"notes"`
	// SentWindow is how far back each rule's "sent" compares the requests
	// sampled with the segments that arrived ("10m0s").
	SentWindow string `json:"sentWindow"`
	// Daemons is what each X-Ray daemon last reported of itself
	// (PutTelemetryRecords), most recent first, with its problems; absent
	// when the server keeps no telemetry.
	Daemons []xraydaemon.Daemon `json:"daemons,omitempty"`
}

// RuleReport is one rule, in evaluation order, with what the SDKs reported
// for it over the window and what looks wrong (see xraysampling.Finding).
type RuleReport struct {
	Name       string                     `json:"name"`
	Priority   int32                      `json:"priority"`
	Rule       ruleOutput                 `json:"rule"`
	CreatedAt  *time.Time                 `json:"createdAt"`
	ModifiedAt *time.Time                 `json:"modifiedAt"`
	Stats      xraysampling.Counts        `json:"stats"`
	Clients    []xraysampling.ClientState `json:"clients"`
	Findings   []xraysampling.Finding     `json:"findings"`
	Sent       []xraysampling.SentCheck   `json:"sent"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (a *SamplingAPI) diagnostics(w http.ResponseWriter, r *http.Request) {
	d, err := a.s.Diagnose(r.Context(), a.project(r))
	if err != nil {
		a.log.Error("x-ray sampling diagnostics", "err", err)
		writeLookoutError(w, http.StatusInternalServerError, err.Error())
		return
	}
	rep := SamplingReport{Start: d.Start, End: d.End, LastRuleModification: timePtr(d.LastModified),
		Rules: make([]RuleReport, len(d.Rules)), SegmentsError: d.SegmentsError, Notes: d.Notes, SentWindow: d.SentWindow.String()}
	for i, rd := range d.Rules {
		rep.Rules[i] = RuleReport{Name: rd.Rule.RuleName, Priority: rd.Rule.Priority,
			Rule: ruleOutput{Rule: rd.Rule, RuleARN: a.arn(rd.Rule.RuleName)}, CreatedAt: timePtr(rd.CreatedAt),
			ModifiedAt: timePtr(rd.ModifiedAt), Stats: rd.Stats, Clients: rd.Clients, Findings: rd.Findings, Sent: rd.Sent}
	}
	if a.cfg.Telemetry != nil {
		rep.Daemons = a.cfg.Telemetry.Daemons(a.project(r))
	}
	writeLookoutJSON(w, http.StatusOK, rep)
}

// matchRequest is the body of POST /api/xray/sampling/match.
type matchRequest struct {
	Service     string            `json:"service"`
	ServiceType string            `json:"serviceType"`
	Host        string            `json:"host"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	ResourceARN string            `json:"resourceARN"`
	Attributes  map[string]string `json:"attributes"`
}

// request turns the body into a sampling request; a full URL as path also
// gives the host.
func (m matchRequest) request() xraysampling.Request {
	q := xraysampling.Request{ServiceName: m.Service, ServiceType: m.ServiceType, Host: m.Host,
		HTTPMethod: m.Method, URLPath: m.Path, ResourceARN: m.ResourceARN, Attributes: m.Attributes}
	if strings.Contains(m.Path, "://") {
		if u, err := url.Parse(m.Path); err == nil {
			q.URLPath = u.Path
			if q.Host == "" {
				q.Host = u.Host
			}
		}
	}
	return q
}

// MatchReport is the answer of POST /api/xray/sampling/match.
type MatchReport struct {
	Rule     string                 `json:"rule"`
	Priority int32                  `json:"priority"`
	Matched  ruleOutput             `json:"matched"`
	Skipped  []xraysampling.Skipped `json:"skipped"`
	Notes    []string               `json:"notes"`
	// Rules is every rule in evaluation order, each field compared.
	Rules []xraysampling.RuleTrace `json:"rules"`
}

func (a *SamplingAPI) match(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, restjson.MaxBody))
	if err != nil {
		writeLookoutError(w, http.StatusBadRequest, "reading request body: "+err.Error())
		return
	}
	var in matchRequest
	if err := json.Unmarshal(body, &in); err != nil {
		writeLookoutError(w, http.StatusBadRequest, "request body: "+restjson.DescribeError(err))
		return
	}
	d, err := a.s.Match(r.Context(), a.project(r), in.request())
	if err != nil {
		writeLookoutError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeLookoutJSON(w, http.StatusOK, MatchReport{Rule: d.Rule.RuleName, Priority: d.Rule.Priority,
		Matched: ruleOutput{Rule: d.Rule, RuleARN: a.arn(d.Rule.RuleName)}, Skipped: d.Skipped, Notes: d.Notes, Rules: d.Rules})
}

func writeLookoutJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeLookoutError(w http.ResponseWriter, status int, msg string) {
	writeLookoutJSON(w, status, map[string]string{"error": msg})
}
