package samplingapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"lookout/internal/receiver/restjson"
	"lookout/internal/xraysampling"
)

// statsInput is a SamplingStatisticsDocument as sent.
type statsInput struct {
	RuleName, ClientID                      *string
	Timestamp                               *flexTime
	RequestCount, SampledCount, BorrowCount *int32
}

// flexTime reads a timestamp as epoch seconds (a number, as the AWS SDKs
// send it, integral from the OpenTelemetry sampler) or RFC 3339 text.
type flexTime struct{ time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			f.Time = t
			return nil
		}
		b = []byte(s)
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e11 {
		return errors.New("Timestamp must be epoch seconds or RFC 3339 text")
	}
	f.Time = restjson.FromEpoch(v)
	return nil
}

func (in statsInput) check(i int) error {
	at := func(m string) string { return fmt.Sprintf("SamplingStatisticsDocuments[%d].%s", i, m) }
	switch {
	case in.RuleName == nil:
		return restjson.Invalidf("%s is required", at("RuleName"))
	case utf8.RuneCountInString(*in.RuleName) < 1 || utf8.RuneCountInString(*in.RuleName) > xraysampling.MaxRuleNameLen:
		return restjson.Invalidf("%s must be 1 to %d characters long", at("RuleName"), xraysampling.MaxRuleNameLen)
	case in.ClientID == nil:
		return restjson.Invalidf("%s is required", at("ClientID"))
	case len(*in.ClientID) != clientIDLen:
		return restjson.Invalidf("%s must be %d characters long, not %d", at("ClientID"), clientIDLen, len(*in.ClientID))
	case in.Timestamp == nil:
		return restjson.Invalidf("%s is required", at("Timestamp"))
	case in.RequestCount == nil:
		return restjson.Invalidf("%s is required", at("RequestCount"))
	case in.SampledCount == nil:
		return restjson.Invalidf("%s is required", at("SampledCount"))
	case *in.RequestCount < 0 || *in.SampledCount < 0 || (in.BorrowCount != nil && *in.BorrowCount < 0):
		return restjson.Invalidf("%s: RequestCount, SampledCount and BorrowCount must not be negative", at(""))
	}
	return nil
}

type targetOutput struct {
	RuleName          string         `json:"RuleName"`
	FixedRate         float64        `json:"FixedRate"`
	ReservoirQuota    int            `json:"ReservoirQuota"`
	ReservoirQuotaTTL restjson.Epoch `json:"ReservoirQuotaTTL"`
	Interval          int            `json:"Interval"`
}

type unprocessedOutput struct {
	RuleName  string `json:"RuleName"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

// getTargets records each client's statistics and answers its quota per
// rule. A rule that does not exist (any more) comes back in
// UnprocessedStatistics with ErrorCode 400, which makes the SDKs fetch the
// rules again.
func (a *SamplingAPI) getTargets(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SamplingStatisticsDocuments      []statsInput
		SamplingBoostStatisticsDocuments []json.RawMessage // sampling boosts are not supported: ignored
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	out := map[string]any{}
	err := func() error {
		docs := in.SamplingStatisticsDocuments
		if docs == nil {
			return restjson.Invalidf("SamplingStatisticsDocuments is required")
		}
		if len(docs) > maxStatisticsDocuments {
			return restjson.Invalidf("SamplingStatisticsDocuments may have at most %d members, not %d", maxStatisticsDocuments, len(docs))
		}
		for i, d := range docs {
			if err := d.check(i); err != nil {
				return err
			}
		}
		addr, _, _ := net.SplitHostPort(r.RemoteAddr)
		reports := make([]xraysampling.Report, len(docs))
		for i, d := range docs {
			reports[i] = xraysampling.Report{RuleName: *d.RuleName, ClientID: *d.ClientID, Timestamp: d.Timestamp.Time, Addr: addr,
				Counts: xraysampling.Counts{Requests: int64(*d.RequestCount), Sampled: int64(*d.SampledCount)}}
			if d.BorrowCount != nil {
				reports[i].Borrowed = int64(*d.BorrowCount)
			}
		}
		res, err := a.s.Targets(r.Context(), a.project(r), reports)
		if err != nil {
			return err
		}
		targets, unprocessed := []targetOutput{}, []unprocessedOutput{}
		for _, t := range res.Targets {
			targets = append(targets, targetOutput{RuleName: t.RuleName, FixedRate: t.FixedRate,
				ReservoirQuota: t.Quota, ReservoirQuotaTTL: restjson.Epoch(float64(t.QuotaTTL.UnixNano()) / 1e9),
				Interval: int(t.Interval / time.Second)})
		}
		for _, name := range res.Unknown {
			unprocessed = append(unprocessed, unprocessedOutput{RuleName: name, ErrorCode: "400",
				Message: fmt.Sprintf("no sampling rule named %q", name)})
		}
		out["SamplingTargetDocuments"], out["UnprocessedStatistics"] = targets, unprocessed
		out["UnprocessedBoostStatistics"] = []unprocessedOutput{}
		if !res.LastModified.IsZero() {
			out["LastRuleModification"] = restjson.Epoch(float64(res.LastModified.UnixNano()) / 1e9)
		}
		return nil
	}()
	if err != nil {
		a.fail(w, r, "GetSamplingTargets", err)
		return
	}
	restjson.Write(w, out)
}

type summaryOutput struct {
	RuleName     string         `json:"RuleName"`
	Timestamp    restjson.Epoch `json:"Timestamp"`
	RequestCount int32          `json:"RequestCount"`
	BorrowCount  int32          `json:"BorrowCount"`
	SampledCount int32          `json:"SampledCount"`
}

// getSummaries answers, for each rule with reports in the kept windows, its
// newest 10-second window summed over every client, by rule name; a
// NextToken names the last rule of its page.
func (a *SamplingAPI) getSummaries(w http.ResponseWriter, r *http.Request) {
	var in struct{ NextToken *string }
	if !restjson.Decode(w, r, &in) {
		return
	}
	out := map[string]any{}
	err := func() error {
		after := ""
		if in.NextToken != nil && *in.NextToken != "" {
			b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
			if err != nil || len(b) == 0 {
				return restjson.Invalidf("NextToken is not one this API returned")
			}
			after = string(b)
		}
		wins, err := a.s.Summaries(r.Context(), a.project(r))
		if err != nil {
			return err
		}
		sums := []summaryOutput{}
		for _, win := range wins {
			if win.RuleName <= after {
				continue
			}
			if len(sums) == a.cfg.PageSize {
				out["NextToken"] = base64.RawURLEncoding.EncodeToString([]byte(sums[len(sums)-1].RuleName))
				break
			}
			sums = append(sums, summaryOutput{RuleName: win.RuleName, Timestamp: restjson.Epoch(float64(win.Start.Unix())),
				RequestCount: clamp32(win.Requests), BorrowCount: clamp32(win.Borrowed), SampledCount: clamp32(win.Sampled)})
		}
		out["SamplingStatisticSummaries"] = sums
		return nil
	}()
	if err != nil {
		a.fail(w, r, "GetSamplingStatisticSummaries", err)
		return
	}
	restjson.Write(w, out)
}

func clamp32(n int64) int32 { return int32(min(n, math.MaxInt32)) }
