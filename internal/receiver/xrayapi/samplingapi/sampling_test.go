package samplingapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/smithy-go"

	"lookout/internal/xraysampling"
)

func newRule(name string, prio int32, service, path string) *types.SamplingRule {
	return &types.SamplingRule{RuleName: aws.String(name), Priority: aws.Int32(prio), FixedRate: 1, ReservoirSize: 0,
		ResourceARN: aws.String("*"), ServiceName: aws.String(service), ServiceType: aws.String("*"),
		Host: aws.String("*"), HTTPMethod: aws.String("*"), URLPath: aws.String(path), Version: aws.Int32(1)}
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func allRules(t *testing.T, c *awsxray.Client) []types.SamplingRuleRecord {
	t.Helper()
	var out []types.SamplingRuleRecord
	p := awsxray.NewGetSamplingRulesPaginator(c, &awsxray.GetSamplingRulesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetSamplingRules: %v", err)
		}
		out = append(out, page.SamplingRuleRecords...)
	}
	return out
}

func ruleNames(recs []types.SamplingRuleRecord) []string {
	var out []string
	for _, r := range recs {
		out = append(out, aws.ToString(r.SamplingRule.RuleName))
	}
	return out
}

// TestSamplingRuleLifecycle drives the rule operations with the
// aws-sdk-go-v2 client: the Default rule, create, update, delete, the
// errors AWS gives, paging, and a restart over the same store.
func TestSamplingRuleLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newSamplingServer(t, nil, func(c *samplingConfig) { c.PageSize, c.MaxRules = 2, 3 })
	c := s.sdk

	recs := allRules(t, c)
	if len(recs) != 1 {
		t.Fatalf("rules at start: %v", ruleNames(recs))
	}
	d := recs[0].SamplingRule
	if aws.ToString(d.RuleName) != "Default" || aws.ToInt32(d.Priority) != 10000 || d.ReservoirSize != 1 || d.FixedRate != 0.05 ||
		aws.ToString(d.URLPath) != "*" || aws.ToInt32(d.Version) != 1 ||
		aws.ToString(d.RuleARN) != "arn:aws:xray:us-east-1:000000000000:sampling-rule/Default" {
		t.Errorf("Default rule %+v", d)
	}

	out, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("checkout", 100, "checkout-api", "/checkout*"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("shop")}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := out.SamplingRuleRecord; aws.ToString(r.SamplingRule.RuleARN) != "arn:aws:xray:us-east-1:000000000000:sampling-rule/checkout" ||
		!r.CreatedAt.Equal(samplingT0) || !r.ModifiedAt.Equal(samplingT0) || r.SamplingRule.FixedRate != 1 {
		t.Errorf("created %+v %+v", r, r.SamplingRule)
	}
	s.clock.add(time.Second)
	for _, name := range []string{"cart", "search"} {
		if _, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule(name, 200, name, "*")}); err != nil {
			t.Fatal(err)
		}
	}

	errs := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"duplicate", func() error {
			_, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("checkout", 1, "x", "*")})
			return err
		}, "InvalidRequestException", "already exists"},
		{"Default by name", func() error {
			_, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("Default", 1, "x", "*")})
			return err
		}, "InvalidRequestException", "SamplingRule.RuleName"},
		{"priority 0", func() error {
			_, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("p0", 0, "x", "*")})
			return err
		}, "InvalidRequestException", "SamplingRule.Priority"},
		{"limit", func() error {
			_, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("fourth", 1, "x", "*")})
			return err
		}, "RuleLimitExceededException", "3 sampling rules"},
		{"update unknown", func() error {
			_, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{RuleName: aws.String("nope")}})
			return err
		}, "InvalidRequestException", `no sampling rule named "nope"`},
		{"update Default's host", func() error {
			_, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
				RuleName: aws.String("Default"), Host: aws.String("api")}})
			return err
		}, "InvalidRequestException", "SamplingRuleUpdate.Host"},
		{"update to a bad rate", func() error {
			_, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
				RuleName: aws.String("cart"), FixedRate: aws.Float64(2)}})
			return err
		}, "InvalidRequestException", "SamplingRuleUpdate.FixedRate"},
		{"delete Default", func() error {
			_, err := c.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("Default")})
			return err
		}, "InvalidRequestException", "cannot be deleted"},
		{"delete unknown", func() error {
			_, err := c.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("nope")})
			return err
		}, "InvalidRequestException", "nope"},
		{"delete by a bad ARN", func() error {
			_, err := c.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleARN: aws.String("cart")})
			return err
		}, "InvalidRequestException", "RuleARN"},
	}
	for _, e := range errs {
		err := e.call()
		if apiErrorCode(err) != e.code || !strings.Contains(fmt.Sprint(err), e.msg) {
			t.Errorf("%s: %v, want %s mentioning %q", e.name, err, e.code, e.msg)
		}
	}

	s.clock.add(time.Minute)
	up, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
		RuleARN: aws.String("arn:aws:xray:eu-west-1:123:sampling-rule/checkout"), FixedRate: aws.Float64(0.5), HTTPMethod: aws.String("POST")}})
	if err != nil {
		t.Fatal(err)
	}
	if r := up.SamplingRuleRecord; r.SamplingRule.FixedRate != 0.5 || aws.ToString(r.SamplingRule.HTTPMethod) != "POST" ||
		aws.ToString(r.SamplingRule.URLPath) != "/checkout*" || !r.CreatedAt.Equal(samplingT0) || !r.ModifiedAt.Equal(samplingT0.Add(61*time.Second)) {
		t.Errorf("updated %+v %+v", r, r.SamplingRule)
	}
	if _, err := c.UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
		RuleName: aws.String("Default"), ReservoirSize: aws.Int32(3), Host: aws.String("*")}}); err != nil {
		t.Fatalf("update Default: %v", err)
	}
	del, err := c.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("search")})
	if err != nil || aws.ToString(del.SamplingRuleRecord.SamplingRule.ServiceName) != "search" {
		t.Fatalf("delete: %+v %v", del, err)
	}

	// Pages of two, Default first then by creation.
	want := "Default checkout cart"
	if got := strings.Join(ruleNames(allRules(t, c)), " "); got != want {
		t.Errorf("rules %q, want %q", got, want)
	}
	if _, err := c.GetSamplingRules(ctx, &awsxray.GetSamplingRulesInput{NextToken: aws.String("%%%")}); apiErrorCode(err) != "InvalidRequestException" {
		t.Errorf("bad NextToken: %v", err)
	}

	// A new API over the same store (a restart) finds the same rules.
	again := newSamplingServer(t, s.docs, nil)
	recs = allRules(t, again.sdk)
	if got := strings.Join(ruleNames(recs), " "); got != want {
		t.Fatalf("after restart: %q, want %q", got, want)
	}
	if recs[0].SamplingRule.ReservoirSize != 3 || recs[1].SamplingRule.FixedRate != 0.5 || !recs[1].ModifiedAt.Equal(samplingT0.Add(61*time.Second)) {
		t.Errorf("after restart: Default %+v checkout %+v", recs[0].SamplingRule, recs[1])
	}
}

// TestSamplingStoreFailure: a rule the store could not keep is not
// answered as created, and is not served.
func TestSamplingStoreFailure(t *testing.T) {
	s := newSamplingServer(t, nil, nil)
	s.docs.fail = errDiskFull
	_, err := s.sdk.CreateSamplingRule(context.Background(), &awsxray.CreateSamplingRuleInput{SamplingRule: newRule("r", 1, "x", "*")})
	if apiErrorCode(err) != "InternalFailure" {
		t.Fatalf("create with a failing store: %v", err)
	}
	_, err = s.sdk.UpdateSamplingRule(context.Background(), &awsxray.UpdateSamplingRuleInput{SamplingRuleUpdate: &types.SamplingRuleUpdate{
		RuleName: aws.String("Default"), FixedRate: aws.Float64(1)}})
	if apiErrorCode(err) != "InternalFailure" {
		t.Fatalf("update with a failing store: %v", err)
	}
	s.docs.fail = nil
	recs := allRules(t, s.sdk)
	if len(recs) != 1 || recs[0].SamplingRule.FixedRate != 0.05 {
		t.Errorf("rules after failed writes: %v %+v", ruleNames(recs), recs[0].SamplingRule)
	}
}

// TestSamplingTargets reports statistics from two clients and reads the
// quotas, the unprocessed rules and the statistic summaries.
func TestSamplingTargets(t *testing.T) {
	ctx := context.Background()
	s := newSamplingServer(t, nil, nil)
	r := newRule("checkout", 100, "checkout-api", "*")
	r.ReservoirSize, r.FixedRate = 10, 0.25
	if _, err := s.sdk.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: r}); err != nil {
		t.Fatal(err)
	}
	doc := func(rule, client string, req, sampled, borrowed int32) types.SamplingStatisticsDocument {
		return types.SamplingStatisticsDocument{RuleName: aws.String(rule), ClientID: aws.String(client),
			Timestamp: aws.Time(s.clock.Now()), RequestCount: req, SampledCount: sampled, BorrowCount: borrowed}
	}
	clientA, clientB := strings.Repeat("a", 24), strings.Repeat("b", 24)
	s.clock.add(5 * time.Second)
	outA, err := s.sdk.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
		doc("checkout", clientA, 300, 12, 1), doc("Default", clientA, 4, 1, 1), doc("gone", clientA, 1, 0, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(outA.SamplingTargetDocuments) != 2 || len(outA.UnprocessedStatistics) != 1 ||
		aws.ToString(outA.UnprocessedStatistics[0].ErrorCode) != "400" || aws.ToString(outA.UnprocessedStatistics[0].RuleName) != "gone" {
		t.Fatalf("targets %+v unprocessed %+v", outA.SamplingTargetDocuments, outA.UnprocessedStatistics)
	}
	ta := outA.SamplingTargetDocuments[0]
	if aws.ToString(ta.RuleName) != "checkout" || ta.FixedRate != 0.25 || aws.ToInt32(ta.ReservoirQuota) != 10 ||
		aws.ToInt32(ta.Interval) != 10 || !ta.ReservoirQuotaTTL.Equal(samplingT0.Add(20*time.Second)) {
		t.Errorf("target of the only client: %+v ttl %v", ta, ta.ReservoirQuotaTTL)
	}
	if !outA.LastRuleModification.Equal(samplingT0) {
		t.Errorf("LastRuleModification %v", outA.LastRuleModification)
	}
	s.clock.add(time.Second)
	outB, err := s.sdk.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
		doc("checkout", clientB, 300, 10, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	// A's 10 are valid for 14 s more: nothing is left for B until A reports
	// again and is handed its half; then B gets the other half.
	if q := aws.ToInt32(outB.SamplingTargetDocuments[0].ReservoirQuota); q != 0 {
		t.Errorf("second client's quota %d, want 0 while the first holds the reservoir", q)
	}
	for _, c := range []struct {
		client string
		want   int32
	}{{clientA, 5}, {clientB, 5}} {
		s.clock.add(time.Second)
		out, err := s.sdk.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
			doc("checkout", c.client, 300, 0, 0)}})
		if err != nil {
			t.Fatal(err)
		}
		if q := aws.ToInt32(out.SamplingTargetDocuments[0].ReservoirQuota); q != c.want {
			t.Errorf("client %s re-split quota %d, want %d", c.client[:1], q, c.want)
		}
	}

	sums, err := s.sdk.GetSamplingStatisticSummaries(ctx, &awsxray.GetSamplingStatisticSummariesInput{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]types.SamplingStatisticSummary{}
	for _, x := range sums.SamplingStatisticSummaries {
		got[aws.ToString(x.RuleName)] = x
	}
	if c := got["checkout"]; len(got) != 2 || c.RequestCount != 1200 || c.SampledCount != 22 || c.BorrowCount != 1 ||
		!c.Timestamp.Equal(samplingT0) || got["Default"].RequestCount != 4 {
		t.Errorf("summaries %+v", sums.SamplingStatisticSummaries)
	}

	// Deleting a rule drops its statistics; reports for it are unprocessed.
	if _, err := s.sdk.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("checkout")}); err != nil {
		t.Fatal(err)
	}
	out, err := s.sdk.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
		doc("checkout", clientA, 1, 1, 0)}})
	if err != nil || len(out.UnprocessedStatistics) != 1 || len(out.SamplingTargetDocuments) != 0 {
		t.Errorf("after delete: %+v %v", out, err)
	}
	if !out.LastRuleModification.Equal(samplingT0.Add(8 * time.Second)) {
		t.Errorf("LastRuleModification after delete %v", out.LastRuleModification)
	}
}

// TestSamplingRequestErrors sends malformed requests as raw JSON: each is
// refused with AWS's error shape and a message naming the member.
func TestSamplingRequestErrors(t *testing.T) {
	s := newSamplingServer(t, nil, nil)
	rule := `"RuleName":"r","ResourceARN":"*","Priority":5,"FixedRate":0.1,"ReservoirSize":1,"ServiceName":"*",` +
		`"ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*","Version":1`
	stat := func(extra string) string {
		return `{"SamplingStatisticsDocuments":[{"RuleName":"Default","ClientID":"` + strings.Repeat("c", 24) +
			`","Timestamp":1700000000,"RequestCount":1,"SampledCount":1` + extra + `}]}`
	}
	var many []string
	for i := 0; i < 26; i++ {
		many = append(many, `{"RuleName":"Default","ClientID":"`+strings.Repeat("c", 24)+`","Timestamp":1,"RequestCount":1,"SampledCount":1}`)
	}
	cases := []struct {
		path, body string
		status     int
		code, msg  string
	}{
		{CreateSamplingRulePath, `{}`, 400, "InvalidRequestException", "SamplingRule is required"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + strings.Replace(rule, `"Version":1`, `"Version":2`, 1) + `}}`, 400, "InvalidRequestException", "SamplingRule.Version"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + strings.Replace(rule, `"URLPath":"*",`, ``, 1) + `}}`, 400, "InvalidRequestException", "SamplingRule.URLPath is required"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + strings.Replace(rule, `"RuleName":"r",`, ``, 1) + `}}`, 400, "InvalidRequestException", "RuleName or SamplingRule.RuleARN"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + rule + `,"Attributes":{"k":""}}}`, 400, "InvalidRequestException", "SamplingRule.Attributes.k"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + strings.Replace(rule, `"FixedRate":0.1`, `"FixedRate":"NaN"`, 1) + `}}`, 400, "InvalidRequestException", "FixedRate"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + strings.Replace(rule, `"Priority":5`, `"Priority":1.5`, 1) + `}}`, 400, "InvalidRequestException", "Priority"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + rule + `,"RuleARN":"arn:aws:xray:x:1:sampling-rule/other"}}`, 400, "InvalidRequestException", "name different rules"},
		{CreateSamplingRulePath, `{"SamplingRule":{` + rule + `},"Tags":[` + strings.TrimSuffix(strings.Repeat(`{"Key":"k","Value":"v"},`, 51), ",") + `]}`, 400, "TooManyTagsException", "50"},
		{CreateSamplingRulePath, `[`, 400, "InvalidRequestException", "request body"},
		{UpdateSamplingRulePath, `{}`, 400, "InvalidRequestException", "SamplingRuleUpdate is required"},
		{UpdateSamplingRulePath, `{"SamplingRuleUpdate":{"FixedRate":1}}`, 400, "InvalidRequestException", "SamplingRuleUpdate.RuleName or"},
		{DeleteSamplingRulePath, `{}`, 400, "InvalidRequestException", "RuleName or"},
		{SamplingTargetsPath, `{}`, 400, "InvalidRequestException", "SamplingStatisticsDocuments is required"},
		{SamplingTargetsPath, `{"SamplingStatisticsDocuments":[` + strings.Join(many, ",") + `]}`, 400, "InvalidRequestException", "at most 25"},
		{SamplingTargetsPath, strings.Replace(stat(""), strings.Repeat("c", 24), "short", 1), 400, "InvalidRequestException", "SamplingStatisticsDocuments[0].ClientID"},
		{SamplingTargetsPath, strings.Replace(stat(""), `"Timestamp":1700000000,`, ``, 1), 400, "InvalidRequestException", "SamplingStatisticsDocuments[0].Timestamp is required"},
		{SamplingTargetsPath, strings.Replace(stat(""), `1700000000`, `"yesterday"`, 1), 400, "InvalidRequestException", "Timestamp"},
		{SamplingTargetsPath, stat(`,"BorrowCount":-1`), 400, "InvalidRequestException", "must not be negative"},
		{SamplingTargetsPath, strings.Replace(stat(""), `1700000000`, `"2026-05-04T10:00:00Z"`, 1), 200, "", ""},
		{SamplingTargetsPath, stat(""), 200, "", ""},
		{GetSamplingRulesPath, `{"NextToken":null}`, 200, "", ""}, // the OpenTelemetry sampler's body
		{GetSamplingRulesPath, ``, 200, "", ""},
		{GetSamplingRulesPath, `{"NextToken":"bm90LWEtdG9rZW4"}`, 400, "InvalidRequestException", "NextToken"},
		{SamplingStatisticSummariesPath, `{"NextToken":"!"}`, 400, "InvalidRequestException", "NextToken"},
	}
	for _, c := range cases {
		status, code, body := s.post(t, c.path, c.body)
		msg, _ := body["message"].(string)
		if status != c.status || code != c.code || !strings.Contains(msg, c.msg) {
			t.Errorf("POST %s %.80s: %d %s %q; want %d %s mentioning %q", c.path, c.body, status, code, msg, c.status, c.code, c.msg)
		}
	}
}

// TestSamplingPagingIsStable: deleting a rule between two pages neither
// repeats nor skips the others.
func TestSamplingPagingIsStable(t *testing.T) {
	ctx := context.Background()
	s := newSamplingServer(t, nil, func(c *samplingConfig) { c.PageSize = 2 })
	for i := 0; i < 5; i++ {
		s.clock.add(time.Second)
		if _, err := s.sdk.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{SamplingRule: newRule(fmt.Sprintf("r%d", i), 1, "x", "*")}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.sdk.GetSamplingRules(ctx, &awsxray.GetSamplingRulesInput{})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page %v %v", first, err)
	}
	if _, err := s.sdk.DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("r0")}); err != nil {
		t.Fatal(err)
	}
	names := ruleNames(first.SamplingRuleRecords)
	tok := first.NextToken
	for tok != nil {
		page, err := s.sdk.GetSamplingRules(ctx, &awsxray.GetSamplingRulesInput{NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		names, tok = append(names, ruleNames(page.SamplingRuleRecords)...), page.NextToken
	}
	if got := strings.Join(names, " "); got != "Default r0 r1 r2 r3 r4" {
		t.Errorf("pages %q", got)
	}
}

func TestSamplingConfigValidate(t *testing.T) {
	docs := openDocs(t)
	for _, mod := range []func(*samplingConfig){
		func(c *samplingConfig) { c.PageSize = 0 },
		func(c *samplingConfig) { c.Region = "" },
		func(c *samplingConfig) { c.StatsKeep = time.Second },
		func(c *samplingConfig) { c.Alloc.Interval = 0 },
	} {
		cfg := defaultSamplingConfig()
		mod(&cfg)
		svc, err := xraysampling.NewService(cfg.ServiceConfig, docs, nil)
		if err == nil {
			_, err = NewSamplingAPI(cfg.SamplingConfig, svc)
		}
		if err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	if _, err := xraysampling.NewService(xraysampling.DefaultServiceConfig(), nil, nil); err == nil {
		t.Error("nil store accepted")
	}
	if _, err := NewSamplingAPI(DefaultSamplingConfig(), nil); err == nil {
		t.Error("nil sampler accepted")
	}
	if clamp32(math.MaxInt64) != math.MaxInt32 {
		t.Error("clamp32")
	}
	_ = http.StatusOK
}
