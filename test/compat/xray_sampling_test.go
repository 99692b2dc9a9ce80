package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/aws-xray-sdk-go/daemoncfg"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	"github.com/aws/aws-xray-sdk-go/xray"
)

func xrayClient(base string) *awsxray.Client {
	return awsxray.New(awsxray.Options{Region: "us-east-1", BaseEndpoint: aws.String(base),
		Credentials: aws.AnonymousCredentials{}})
}

func samplingRule(name string, prio int32, service, path string, rate float64, reservoir int32) *types.SamplingRule {
	return &types.SamplingRule{RuleName: aws.String(name), Priority: aws.Int32(prio), FixedRate: rate,
		ReservoirSize: reservoir, ResourceARN: aws.String("*"), ServiceName: aws.String(service),
		ServiceType: aws.String("*"), Host: aws.String("*"), HTTPMethod: aws.String("*"),
		URLPath: aws.String(path), Version: aws.Int32(1)}
}

func listRules(t *testing.T, c *awsxray.Client) map[string]types.SamplingRule {
	t.Helper()
	out := map[string]types.SamplingRule{}
	p := awsxray.NewGetSamplingRulesPaginator(c, &awsxray.GetSamplingRulesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetSamplingRules: %v", err)
		}
		for _, r := range page.SamplingRuleRecords {
			out[aws.ToString(r.SamplingRule.RuleName)] = *r.SamplingRule
		}
	}
	return out
}

// TestXRaySamplingRulesAPI manages rules with the aws-sdk-go-v2 X-Ray
// client on the daemon address, reports statistics, reads the summaries,
// restarts lookout and finds the rules as they were left.
func TestXRaySamplingRulesAPI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	in := startLookout(t, dir)
	c := xrayClient(in.XRayAPI)

	for _, r := range []*types.SamplingRule{
		samplingRule("checkout", 100, "checkout-api", "/checkout*", 0.1, 4),
		samplingRule("to-delete", 200, "backend", "*", 0.2, 1),
	} {
		if _, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
			t.Fatalf("CreateSamplingRule %s: %v", aws.ToString(r.RuleName), err)
		}
	}
	if _, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
		RuleName: aws.String("checkout"), FixedRate: aws.Float64(0.5)}}); err != nil {
		t.Fatalf("UpdateSamplingRule: %v", err)
	}
	if _, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
		RuleName: aws.String("Default"), ReservoirSize: aws.Int32(2)}}); err != nil {
		t.Fatalf("UpdateSamplingRule Default: %v", err)
	}
	if _, err := c.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("to-delete")}); err != nil {
		t.Fatalf("DeleteSamplingRule: %v", err)
	}
	if _, err := c.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("Default")}); err == nil {
		t.Error("the Default rule was deleted")
	}

	now := time.Now()
	targets, err := c.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
		{RuleName: aws.String("checkout"), ClientID: aws.String("0123456789abcdef01234567"), Timestamp: aws.Time(now),
			RequestCount: 120, SampledCount: 14, BorrowCount: 1},
	}})
	if err != nil {
		t.Fatalf("GetSamplingTargets: %v", err)
	}
	if len(targets.SamplingTargetDocuments) != 1 {
		t.Fatalf("targets %+v", targets)
	}
	tg := targets.SamplingTargetDocuments[0]
	if tg.FixedRate != 0.5 || aws.ToInt32(tg.ReservoirQuota) != 4 || aws.ToInt32(tg.Interval) != 10 || !tg.ReservoirQuotaTTL.After(now) {
		t.Errorf("target %+v (ttl %v)", tg, tg.ReservoirQuotaTTL)
	}
	sums, err := c.GetSamplingStatisticSummaries(ctx, &awsxray.GetSamplingStatisticSummariesInput{})
	if err != nil {
		t.Fatalf("GetSamplingStatisticSummaries: %v", err)
	}
	if len(sums.SamplingStatisticSummaries) != 1 || sums.SamplingStatisticSummaries[0].RequestCount != 120 ||
		sums.SamplingStatisticSummaries[0].SampledCount != 14 || sums.SamplingStatisticSummaries[0].BorrowCount != 1 {
		t.Errorf("summaries %+v", sums.SamplingStatisticSummaries)
	}
	// The main port answers the same operations.
	if rules := listRules(t, xrayClient(in.HTTP)); len(rules) != 2 {
		t.Errorf("rules on the main port: %v", rules)
	}

	in.stop(t)
	in = startLookout(t, dir)
	rules := listRules(t, xrayClient(in.XRayAPI))
	if len(rules) != 2 || rules["Default"].ReservoirSize != 2 || rules["checkout"].FixedRate != 0.5 ||
		aws.ToString(rules["checkout"].URLPath) != "/checkout*" || aws.ToInt32(rules["checkout"].Priority) != 100 {
		t.Errorf("rules after restart: %+v", rules)
	}
}

// decisions wraps the SDK's centralized strategy to see which rule decided
// each request.
type decisions struct {
	*sampling.CentralizedStrategy
	mu    sync.Mutex
	rules map[string]int
}

func (d *decisions) ShouldTrace(r *sampling.Request) *sampling.Decision {
	dec := d.CentralizedStrategy.ShouldTrace(r)
	d.mu.Lock()
	if dec.Rule != nil {
		d.rules[*dec.Rule]++
	}
	d.mu.Unlock()
	return dec
}

func (d *decisions) count(rule string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rules[rule]
}

type samplingReport struct {
	Rules []struct {
		Name  string `json:"name"`
		Stats struct {
			Requests int64 `json:"requests"`
			Sampled  int64 `json:"sampled"`
			Borrowed int64 `json:"borrowed"`
		} `json:"stats"`
		Findings []struct {
			Kind       string `json:"kind"`
			Message    string `json:"message"`
			ShadowedBy string `json:"shadowedBy"`
		} `json:"findings"`
	} `json:"rules"`
}

// TestXRaySamplingWithSDK runs an aws-xray-sdk-go instrumented handler
// with centralized sampling (the SDK's default strategy) pointed at
// lookout's daemon address: the SDK fetches lookout's rules, decides by
// them, reports statistics through GetSamplingTargets, and lookout's
// diagnostics show them, with a rule that matches nothing and a shadowed
// one flagged. Slow: the SDK reports every 10 s and cannot be told
// otherwise, so this takes ~12-25 s; skipped with -short.
func TestXRaySamplingWithSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: waits for the X-Ray SDK's 10-second statistics report")
	}
	ctx := context.Background()
	in := startLookout(t, t.TempDir())
	c := xrayClient(in.XRayAPI)
	for _, r := range []*types.SamplingRule{
		samplingRule("checkout", 100, "checkout-api", "/checkout*", 1, 0),
		samplingRule("express", 200, "checkout-api", "/checkout/express", 1, 0),
		samplingRule("backend", 300, "backend", "*", 1, 0),
	} {
		if _, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
			t.Fatal(err)
		}
	}

	cs, err := sampling.NewCentralizedStrategy()
	if err != nil {
		t.Fatal(err)
	}
	addr := "tcp:" + strings.TrimPrefix(in.XRayAPI, "http://") + " udp:" + in.XRayUDP
	endpoints, err := daemoncfg.GetDaemonEndpointsFromString(addr)
	if err != nil {
		t.Fatal(err)
	}
	// xray.Configure hands the endpoints only to a *CentralizedStrategy; the
	// wrapper gets them here.
	cs.LoadDaemonEndpoints(endpoints)
	dec := &decisions{CentralizedStrategy: cs, rules: map[string]int{}}
	if err := xray.Configure(xray.Config{DaemonAddr: addr, SamplingStrategy: dec}); err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(xray.Handler(xray.NewFixedSegmentNamer("checkout-api"), http.HandlerFunc(
		func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })))
	defer app.Close()

	// Send requests until lookout shows what the SDK reported for both the
	// checkout rule and Default (the first report comes ~10 s after the
	// first request).
	var rep samplingReport
	stats := func(name string) (int64, int64) {
		for _, r := range rep.Rules {
			if r.Name == name {
				return r.Stats.Requests, r.Stats.Sampled
			}
		}
		return 0, 0
	}
	deadline := time.Now().Add(40 * time.Second)
	for {
		for _, path := range []string{"/checkout/cart", "/health"} {
			resp, err := http.Get(app.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if code := getJSON(t, in.HTTP+"/api/xray/sampling", &rep); code != http.StatusOK {
			t.Fatalf("GET /api/xray/sampling: %d", code)
		}
		checkout, _ := stats("checkout")
		defaults, _ := stats("Default")
		if checkout > 0 && defaults > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no statistics after 40 s; decisions %v; report %+v", dec.rules, rep)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if dec.count("checkout") == 0 {
		t.Errorf("the SDK never decided by lookout's checkout rule: %v", dec.rules)
	}
	if req, sampled := stats("checkout"); sampled != req {
		t.Errorf("checkout (FixedRate 1): %d requests, %d sampled", req, sampled)
	}
	found := map[string]string{}
	for _, r := range rep.Rules {
		for _, f := range r.Findings {
			found[r.Name+" "+f.Kind] = f.Message
		}
	}
	if m := found["backend unmatched"]; !strings.Contains(m, `ServiceName "backend" matched no segment; services seen: checkout-api`) {
		t.Errorf("backend: %q; findings %v", m, found)
	}
	if m := found["express shadowed"]; !strings.Contains(m, `rule "checkout"`) {
		t.Errorf("express: %q; findings %v", m, found)
	}
	if _, ok := found["checkout unmatched"]; ok {
		t.Errorf("checkout flagged: %v", found)
	}

	// The segments sampled by the checkout rule are stored, tagged with it.
	var search struct {
		Traces []struct {
			RootServiceName string `json:"rootServiceName"`
		} `json:"traces"`
	}
	q := url.Values{"tags": {"aws.xray.sampling_rule_name=checkout"}, "limit": {"1000"}}
	if code := getJSON(t, in.HTTP+"/api/search?"+q.Encode(), &search); code != http.StatusOK ||
		len(search.Traces) == 0 || search.Traces[0].RootServiceName != "checkout-api" {
		t.Errorf("segments of the checkout rule: %d %+v", code, search.Traces)
	}

	// What the SDK reported is also in GetSamplingStatisticSummaries, and the
	// match endpoint agrees with the SDK's decision.
	sums, err := c.GetSamplingStatisticSummaries(ctx, &awsxray.GetSamplingStatisticSummariesInput{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range sums.SamplingStatisticSummaries {
		names[aws.ToString(s.RuleName)] = s.RequestCount > 0
	}
	if !names["checkout"] || !names["Default"] {
		t.Errorf("summaries %+v", sums.SamplingStatisticSummaries)
	}
	body, _ := json.Marshal(map[string]string{"service": "checkout-api", "method": "GET", "path": "/checkout/express"})
	resp, err := http.Post(in.HTTP+"/api/xray/sampling/match", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ Rule string }
	if json.NewDecoder(resp.Body).Decode(&m) != nil || m.Rule != "checkout" {
		t.Errorf("match: %s %+v", resp.Status, m)
	}
}
