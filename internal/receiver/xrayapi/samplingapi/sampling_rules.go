package samplingapi

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lookout/internal/receiver/restjson"
	"lookout/internal/xraysampling"
)

// Limits of GetSamplingTargets and of tags, from the X-Ray API reference.
const (
	maxStatisticsDocuments = 25 // per GetSamplingTargets
	clientIDLen            = 24
	maxTags                = 50
)

// ruleInput is a SamplingRule as sent; pointers tell missing members apart.
type ruleInput struct {
	RuleName, RuleARN, ResourceARN             *string
	Priority                                   *int32
	FixedRate                                  *float64
	ReservoirSize                              *int32
	ServiceName, ServiceType, Host, HTTPMethod *string
	URLPath                                    *string
	Version                                    *int32
	Attributes                                 map[string]string
}

// rule checks the required members and builds the rule (not yet validated).
func (in *ruleInput) rule() (xraysampling.Rule, error) {
	if in == nil {
		return xraysampling.Rule{}, restjson.Invalidf("SamplingRule is required")
	}
	name, err := RuleName(in.RuleName, in.RuleARN, "SamplingRule")
	if err != nil {
		return xraysampling.Rule{}, err
	}
	for _, m := range []struct {
		name    string
		missing bool
	}{
		{"ResourceARN", in.ResourceARN == nil}, {"Priority", in.Priority == nil}, {"FixedRate", in.FixedRate == nil},
		{"ReservoirSize", in.ReservoirSize == nil}, {"ServiceName", in.ServiceName == nil},
		{"ServiceType", in.ServiceType == nil}, {"Host", in.Host == nil}, {"HTTPMethod", in.HTTPMethod == nil},
		{"URLPath", in.URLPath == nil}, {"Version", in.Version == nil},
	} {
		if m.missing {
			return xraysampling.Rule{}, restjson.Invalidf("SamplingRule.%s is required", m.name)
		}
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		attrs[k] = v
	}
	return xraysampling.Rule{RuleName: name, ResourceARN: *in.ResourceARN, Priority: *in.Priority,
		FixedRate: *in.FixedRate, ReservoirSize: *in.ReservoirSize, ServiceName: *in.ServiceName,
		ServiceType: *in.ServiceType, Host: *in.Host, HTTPMethod: *in.HTTPMethod, URLPath: *in.URLPath,
		Version: *in.Version, Attributes: attrs}, nil
}

// ruleOutput is a SamplingRule as answered.
type ruleOutput struct {
	xraysampling.Rule
	RuleARN string `json:"RuleARN"`
}

type recordOutput struct {
	SamplingRule ruleOutput     `json:"SamplingRule"`
	CreatedAt    restjson.Epoch `json:"CreatedAt"`
	ModifiedAt   restjson.Epoch `json:"ModifiedAt"`
}

func (a *SamplingAPI) record(rec xraysampling.Record) recordOutput {
	return recordOutput{SamplingRule: ruleOutput{Rule: rec.Rule, RuleARN: a.arn(rec.Rule.RuleName)},
		CreatedAt: restjson.Epoch(float64(restjson.Nanos(rec.CreatedAt)) / 1e9), ModifiedAt: restjson.Epoch(float64(restjson.Nanos(rec.ModifiedAt)) / 1e9)}
}

func (a *SamplingAPI) createRule(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SamplingRule *ruleInput
		Tags         []xraysampling.Tag
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	rec, err := func() (xraysampling.Record, error) {
		rule, err := in.SamplingRule.rule()
		if err != nil {
			return xraysampling.Record{}, err
		}
		if err := rule.Validate("SamplingRule"); err != nil {
			return xraysampling.Record{}, err
		}
		if err := checkTags(in.Tags); err != nil {
			return xraysampling.Record{}, err
		}
		rec, err := a.s.CreateRule(r.Context(), a.project(r), rule, in.Tags)
		if errors.Is(err, xraysampling.ErrRuleExists) {
			return rec, restjson.Invalidf("SamplingRule.RuleName: a rule named %q already exists", rule.RuleName)
		}
		return rec, err
	}()
	if err != nil {
		a.fail(w, r, "CreateSamplingRule", err)
		return
	}
	restjson.Write(w, map[string]any{"SamplingRuleRecord": a.record(rec)})
}

func checkTags(tags []xraysampling.Tag) error {
	if len(tags) > maxTags {
		return &restjson.Error{Status: http.StatusBadRequest, Code: "TooManyTagsException", Message: fmt.Sprintf("at most %d tags, not %d", maxTags, len(tags))}
	}
	for i, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 || utf8.RuneCountInString(t.Value) > 256 {
			return restjson.Invalidf("Tags[%d]: Key must be 1 to 128 characters long and Value at most 256", i)
		}
	}
	return nil
}

func (a *SamplingAPI) updateRule(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SamplingRuleUpdate *struct {
			RuleName, RuleARN, ResourceARN             *string
			Priority                                   *int32
			FixedRate                                  *float64
			ReservoirSize                              *int32
			ServiceName, ServiceType, Host, HTTPMethod *string
			URLPath                                    *string
			Attributes                                 map[string]string
		}
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	rec, err := func() (xraysampling.Record, error) {
		u := in.SamplingRuleUpdate
		if u == nil {
			return xraysampling.Record{}, restjson.Invalidf("SamplingRuleUpdate is required")
		}
		name, err := RuleName(u.RuleName, u.RuleARN, "SamplingRuleUpdate")
		if err != nil {
			return xraysampling.Record{}, err
		}
		upd := xraysampling.Update{ResourceARN: u.ResourceARN, Priority: u.Priority, FixedRate: u.FixedRate,
			ReservoirSize: u.ReservoirSize, ServiceName: u.ServiceName, ServiceType: u.ServiceType, Host: u.Host,
			HTTPMethod: u.HTTPMethod, URLPath: u.URLPath, Attributes: u.Attributes}
		rec, err := a.s.UpdateRule(r.Context(), a.project(r), name, upd)
		if errors.Is(err, xraysampling.ErrNoRule) {
			return rec, restjson.Invalidf("SamplingRuleUpdate.RuleName: no sampling rule named %q", name)
		}
		return rec, err
	}()
	if err != nil {
		a.fail(w, r, "UpdateSamplingRule", err)
		return
	}
	restjson.Write(w, map[string]any{"SamplingRuleRecord": a.record(rec)})
}

func (a *SamplingAPI) deleteRule(w http.ResponseWriter, r *http.Request) {
	var in struct{ RuleName, RuleARN *string }
	if !restjson.Decode(w, r, &in) {
		return
	}
	rec, err := func() (xraysampling.Record, error) {
		name, err := RuleName(in.RuleName, in.RuleARN, "DeleteSamplingRuleInput")
		if err != nil {
			return xraysampling.Record{}, err
		}
		rec, err := a.s.DeleteRule(r.Context(), a.project(r), name)
		switch {
		case errors.Is(err, xraysampling.ErrDefaultRule):
			return rec, restjson.Invalidf("RuleName: the Default rule cannot be deleted")
		case errors.Is(err, xraysampling.ErrNoRule):
			return rec, restjson.Invalidf("RuleName: no sampling rule named %q", name)
		}
		return rec, err
	}()
	if err != nil {
		a.fail(w, r, "DeleteSamplingRule", err)
		return
	}
	restjson.Write(w, map[string]any{"SamplingRuleRecord": a.record(rec)})
}

func (a *SamplingAPI) getRules(w http.ResponseWriter, r *http.Request) {
	var in struct{ NextToken *string }
	if !restjson.Decode(w, r, &in) {
		return
	}
	out := map[string]any{}
	err := func() error {
		after, err := parseRulesToken(in.NextToken)
		if err != nil {
			return err
		}
		list, err := a.s.Rules(r.Context(), a.project(r))
		if err != nil {
			return err
		}
		recs := []recordOutput{}
		for i, rec := range list {
			if after != nil && !after.CreatedBefore(rec) {
				continue
			}
			if len(recs) == a.cfg.PageSize {
				out["NextToken"] = rulesToken(list[i-1])
				break
			}
			recs = append(recs, a.record(rec))
		}
		out["SamplingRuleRecords"] = recs
		return nil
	}()
	if err != nil {
		a.fail(w, r, "GetSamplingRules", err)
		return
	}
	restjson.Write(w, out)
}

// rulesToken marks the last record of a GetSamplingRules page: its creation
// time and name.
func rulesToken(rec xraysampling.Record) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(restjson.Nanos(rec.CreatedAt), 10) + "/" + rec.Rule.RuleName))
}

// parseRulesToken returns the record a token points after (only its
// creation time and name are set), nil without a token.
func parseRulesToken(tok *string) (*xraysampling.Record, error) {
	if tok == nil || *tok == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	ns, name, ok := strings.Cut(string(b), "/")
	n, perr := strconv.ParseInt(ns, 10, 64)
	if err != nil || !ok || perr != nil || n < 0 {
		return nil, restjson.Invalidf("NextToken is not one this API returned")
	}
	rec := &xraysampling.Record{Rule: xraysampling.Rule{RuleName: name}}
	if n != 0 {
		rec.CreatedAt = time.Unix(0, n)
	}
	return rec, nil
}
