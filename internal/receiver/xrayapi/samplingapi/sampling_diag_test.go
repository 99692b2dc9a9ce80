package samplingapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
)

func (s *samplingServer) report(t *testing.T) SamplingReport {
	t.Helper()
	resp, err := http.Get(s.url + SamplingDiagnosticsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep SamplingReport
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&rep) != nil {
		t.Fatalf("GET %s: %s", SamplingDiagnosticsPath, resp.Status)
	}
	return rep
}

func findings(rr RuleReport) map[string]string {
	out := map[string]string{}
	for _, f := range rr.Findings {
		out[f.Kind] = f.Message
	}
	return out
}

// TestSamplingDiagnostics sets up the traps AWS leaves silent and checks
// that GET /api/xray/sampling names each: a rule whose ServiceName matches
// no stored segment, one whose Host leaves out the port the SDK sees, one
// shadowed by a broader rule, one the Go SDK ignores.
func TestSamplingDiagnostics(t *testing.T) {
	ctx := context.Background()
	s := newSamplingServer(t, nil, nil)
	withHost := newRule("by-host", 300, "checkout-api", "*")
	withHost.Host = aws.String("127.0.0.1")
	arnRule := newRule("ecs-only", 400, "checkout-api", "/never")
	arnRule.ResourceARN = aws.String("arn:aws:ecs:us-east-1:1:cluster/*")
	for _, r := range []*types.SamplingRule{
		newRule("checkout", 100, "checkout-api", "/checkout*"),
		newRule("express", 200, "checkout-api", "/checkout/express"),
		newRule("backend", 250, "backend", "*"),
		withHost, arnRule,
	} {
		if _, err := s.sdk.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		at := samplingT0.Add(time.Duration(i) * time.Second)
		s.src.add(serverSpan("checkout-api", "GET", "http://127.0.0.1:8080/checkout", byte(1+i), at))
		s.src.add(serverSpan("checkout-api", "GET", "http://127.0.0.1:8080/health", byte(10+i), at))
	}
	s.src.add(serverSpan("api", "GET", "http://api/x", 20, samplingT0))
	s.clock.add(time.Minute)
	client := strings.Repeat("0", 24)
	_, err := s.sdk.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
		{RuleName: aws.String("checkout"), ClientID: aws.String(client), Timestamp: aws.Time(s.clock.Now()), RequestCount: 5, SampledCount: 5},
		{RuleName: aws.String("Default"), ClientID: aws.String(client), Timestamp: aws.Time(s.clock.Now()), RequestCount: 50, SampledCount: 3, BorrowCount: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}

	rep := s.report(t)
	var order []string
	byName := map[string]RuleReport{}
	for _, rr := range rep.Rules {
		order = append(order, rr.Name)
		byName[rr.Name] = rr
	}
	if got := strings.Join(order, " "); got != "checkout express backend by-host ecs-only Default" {
		t.Errorf("order %q", got)
	}
	if st := byName["checkout"].Stats; st.Requests != 5 || st.Sampled != 5 || len(byName["checkout"].Clients) != 1 {
		t.Errorf("checkout: %+v %+v", st, byName["checkout"].Clients)
	}
	if st := byName["Default"].Stats; st.Requests != 50 || st.Borrowed != 1 {
		t.Errorf("Default: %+v", st)
	}
	cases := []struct {
		rule, kind, want string
	}{
		{"backend", "unmatched", `ServiceName "backend" matched no segment; services seen: checkout-api, api`},
		{"by-host", "unmatched", `Host "127.0.0.1" matched no segment of "checkout-api"; hosts seen: 127.0.0.1:8080`},
		{"express", "shadowed", `rule "checkout" (priority 100) is evaluated first`},
		{"express", "unmatched", `rule "checkout" is evaluated first`},
		{"ecs-only", "sdk-ignores", `ResourceARN is "arn:aws:ecs:us-east-1:1:cluster/*"`},
		{"ecs-only", "unmatched", `URLPath "/never" matched no segment of "checkout-api"; paths seen: /checkout, /health`},
	}
	for _, c := range cases {
		if got := findings(byName[c.rule])[c.kind]; !strings.Contains(got, c.want) {
			t.Errorf("%s %s: %q, want it to contain %q", c.rule, c.kind, got, c.want)
		}
	}
	if f := byName["checkout"].Findings; len(f) != 0 {
		t.Errorf("findings on a rule that works: %+v", f)
	}
	if byName["express"].Findings[0].ShadowedBy != "checkout" {
		t.Errorf("express findings %+v", byName["express"].Findings)
	}
}

// TestSamplingDiagnosticsWithoutDefaultTraffic: nothing is "unmatched"
// while the Default rule took no requests either (nothing reported yet).
func TestSamplingDiagnosticsWithoutDefaultTraffic(t *testing.T) {
	s := newSamplingServer(t, nil, nil)
	if _, err := s.sdk.CreateSamplingRule(context.Background(), &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("backend", 1, "backend", "*")}); err != nil {
		t.Fatal(err)
	}
	rep := s.report(t)
	if len(rep.Rules) != 2 || len(rep.Rules[0].Findings) != 0 || rep.LastRuleModification == nil {
		t.Errorf("report %+v", rep)
	}
}

func TestSamplingMatch(t *testing.T) {
	ctx := context.Background()
	s := newSamplingServer(t, nil, nil)
	post := newRule("checkout-post", 100, "checkout-api", "/checkout*")
	post.HTTPMethod = aws.String("POST")
	gold := newRule("gold", 150, "*", "*")
	gold.Attributes = map[string]string{"tier": "gold"}
	for _, r := range []*types.SamplingRule{post, gold, newRule("api", 200, "checkout-*", "/api/*")} {
		if _, err := s.sdk.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		body    string
		status  int
		rule    string
		skipped string // rule:field of each skipped rule
	}{
		{`{"service":"checkout-api","method":"POST","path":"/checkout/pay"}`, 200, "checkout-post", ""},
		{`{"service":"checkout-api","method":"GET","path":"/checkout/pay"}`, 200, "Default",
			"checkout-post:HTTPMethod gold:Attributes.tier api:URLPath"},
		{`{"service":"checkout-api","method":"GET","path":"http://shop:8080/api/cart"}`, 200, "api",
			"checkout-post:HTTPMethod gold:Attributes.tier"},
		{`{"service":"x","attributes":{"tier":"GOLD"}}`, 200, "gold", "checkout-post:ServiceName"},
		{`{"service":1}`, 400, "", ""},
		{`not json`, 400, "", ""},
	}
	for _, c := range cases {
		resp, err := http.Post(s.url+SamplingMatchPath, "application/json", bytes.NewBufferString(c.body))
		if err != nil {
			t.Fatal(err)
		}
		var rep MatchReport
		var e struct{ Error string }
		if c.status == 200 {
			err = json.NewDecoder(resp.Body).Decode(&rep)
		} else {
			err = json.NewDecoder(resp.Body).Decode(&e)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status || err != nil || (c.status != 200 && e.Error == "") {
			t.Errorf("%s: %s %v %+v", c.body, resp.Status, err, e)
			continue
		}
		if c.status != 200 {
			continue
		}
		var skipped []string
		for _, sk := range rep.Skipped {
			skipped = append(skipped, sk.Rule+":"+sk.Why.Field)
		}
		if rep.Rule != c.rule || strings.Join(skipped, " ") != c.skipped {
			t.Errorf("%s: matched %s, skipped %v; want %s, %s", c.body, rep.Rule, skipped, c.rule, c.skipped)
		}
		// Every rule in evaluation order: the skipped ones failed, the
		// decision matched, the rest were not evaluated.
		var outcomes []string
		for _, rt := range rep.Rules {
			outcomes = append(outcomes, rt.Outcome)
		}
		want := strings.Repeat("failed ", len(rep.Skipped)) + "matched" + strings.Repeat(" not-evaluated", 4-len(rep.Skipped)-1)
		if len(rep.Rules) != 4 || strings.Join(outcomes, " ") != want || len(rep.Rules[0].Fields) < 6 {
			t.Errorf("%s: rules %v, want %s", c.body, outcomes, want)
		}
	}
}
