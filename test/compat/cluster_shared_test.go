package compat

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/aws-xray-sdk-go/daemoncfg"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
	rollbargo "github.com/rollbar/rollbar-go"
)

// The cross-node cases of TestTwoNodesShareOneCluster beyond reading back
// what the other node wrote: shared reservoirs, rule and retention changes,
// error grouping under concurrent ingest.

// reservoirAcrossNodes: GetSamplingTargets callers polling different nodes
// never hold more than the rule's ReservoirSize together, and split it.
func reservoirAcrossNodes(t *testing.T, a, b *instance) {
	ctx := context.Background()
	if _, err := xrayClient(a.XRayAPI).CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{
		SamplingRule: samplingRule("cluster-reservoir", 30, "reservoir-svc", "*", 0.1, 5)}); err != nil {
		t.Fatal(err)
	}
	ledger := newQuotaLedger(5)
	// target reports 200 requests of client to in; known is false while
	// the node does not know the rule yet.
	target := func(in *instance, client string) (quota int, known bool) {
		t.Helper()
		now := time.Now()
		out, err := xrayClient(in.XRayAPI).GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{
			SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{{RuleName: aws.String("cluster-reservoir"),
				ClientID: aws.String(client), Timestamp: aws.Time(now), RequestCount: 200, SampledCount: 10}}})
		if err != nil {
			t.Fatalf("GetSamplingTargets for %s on %s: %v", client, in.XRayAPI, err)
		}
		if len(out.SamplingTargetDocuments) != 1 {
			return 0, false
		}
		d := out.SamplingTargetDocuments[0]
		q := int(aws.ToInt32(d.ReservoirQuota))
		ledger.add(client, q, aws.ToTime(d.ReservoirQuotaTTL), now)
		return q, true
	}
	report := func(in *instance, client string) int {
		t.Helper()
		q, known := target(in, client)
		if !known {
			t.Fatalf("%s does not know the rule", in.XRayAPI)
		}
		return q
	}
	c1, c2, c3 := strings.Repeat("a1", 12), strings.Repeat("b2", 12), strings.Repeat("c3", 12)
	if q := report(a, c1); q != 5 {
		t.Errorf("the only client's quota %d, want 5", q)
	}
	// B read its rules just before A made this one: it reads them again
	// for a client that reports an unknown rule, at most once a second.
	eventually(t, "B knows the rule", 5*time.Second, func() (bool, string) {
		q, known := target(b, c2)
		if known && q != 0 {
			t.Errorf("the other node handed a newcomer %d while the first client holds 5, want 0", q)
		}
		return known, "unknown"
	})
	q1, q2 := report(a, c1), report(b, c2)
	if q1+q2 != 5 || q1 == 0 || q2 == 0 {
		t.Errorf("after both reported again: %d + %d, want a split of 5", q1, q2)
	}
	for range 3 {
		report(b, c3)
		report(a, c1)
		report(b, c2)
	}
	ledger.check(t)
}

// reservoirSDKsAcrossNodes: two aws-xray-sdk-go centralized strategies,
// each polling a different node (through a recording proxy), are never
// handed more than the rule's reservoir together.
func reservoirSDKsAcrossNodes(t *testing.T, a, b *instance) {
	if testing.Short() {
		t.Skip("slow: waits for two rounds of the X-Ray SDK's 10-second statistics reports")
	}
	ctx := context.Background()
	if _, err := xrayClient(a.XRayAPI).CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{
		SamplingRule: samplingRule("cluster-sdk", 40, "cluster-sdk-svc", "*", 0, 3)}); err != nil {
		t.Fatal(err)
	}
	ledger := newQuotaLedger(3)
	var sdks []*sampling.CentralizedStrategy
	for _, in := range []*instance{a, b} {
		rec := recordTargets(t, in, ledger, "cluster-sdk")
		endpoints, err := daemoncfg.GetDaemonEndpointsFromString("tcp:" + strings.TrimPrefix(rec, "http://") + " udp:" + in.XRayUDP)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := sampling.NewCentralizedStrategy()
		if err != nil {
			t.Fatal(err)
		}
		cs.LoadDaemonEndpoints(endpoints)
		sdks = append(sdks, cs)
	}
	req := &sampling.Request{Host: "127.0.0.1:4567", Method: "GET", URL: "/api/orders", ServiceName: "cluster-sdk-svc"}
	ledger.waitRounds(t, 2, func() {
		for _, cs := range sdks {
			cs.ShouldTrace(req)
		}
	})
	ledger.check(t)
}

// ruleChangesAcrossNodes: a rule updated and then deleted through one
// node is served so by the other within its rule refresh (5 s).
func ruleChangesAcrossNodes(t *testing.T, a, b *instance) {
	ctx := context.Background()
	if _, ok := listRules(t, xrayClient(b.XRayAPI))["cluster-rule"]; !ok {
		t.Fatal("cluster-rule is not on B")
	}
	if _, err := xrayClient(a.XRayAPI).UpdateSamplingRule(ctx, &awsxray.UpdateSamplingRuleInput{
		SamplingRuleUpdate: &types.SamplingRuleUpdate{RuleName: aws.String("cluster-rule"), FixedRate: aws.Float64(0.75)}}); err != nil {
		t.Fatalf("UpdateSamplingRule on A: %v", err)
	}
	eventually(t, "B serves the updated rule", 15*time.Second, func() (bool, string) {
		r, ok := listRules(t, xrayClient(b.XRayAPI))["cluster-rule"]
		return ok && r.FixedRate == 0.75, fmt.Sprintf("rate %v", r.FixedRate)
	})
	out, err := xrayClient(b.XRayAPI).GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{
		SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{{RuleName: aws.String("cluster-rule"),
			ClientID: aws.String(strings.Repeat("d4", 12)), Timestamp: aws.Time(time.Now()), RequestCount: 1}}})
	if err != nil || len(out.SamplingTargetDocuments) != 1 || out.SamplingTargetDocuments[0].FixedRate != 0.75 {
		t.Errorf("targets on B after the update: %+v %v", out, err)
	}
	if _, err := xrayClient(a.XRayAPI).DeleteSamplingRule(ctx, &awsxray.DeleteSamplingRuleInput{RuleName: aws.String("cluster-rule")}); err != nil {
		t.Fatalf("DeleteSamplingRule on A: %v", err)
	}
	eventually(t, "B drops the deleted rule", 15*time.Second, func() (bool, string) {
		_, ok := listRules(t, xrayClient(b.XRayAPI))["cluster-rule"]
		return !ok, "still listed"
	})
}

// retentionAcrossNodes: a retention policy set through A shows on B and
// the events it expires are gone from B's reads at once (A applies it to
// the shared store; every node's expiry pass reads the policies from the
// metadata store).
func retentionAcrossNodes(t *testing.T, a, b *instance) {
	ctx := context.Background()
	cb := cwClient(b)
	g, s := aws.String("/cluster/retention"), aws.String("s1")
	if _, err := cb.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: g, LogStreamName: s}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	events := []cwtypes.InputLogEvent{
		{Timestamp: aws.Int64(now.Add(-3 * 24 * time.Hour).UnixMilli()), Message: aws.String("three days old")},
		{Timestamp: aws.Int64(now.Add(-time.Minute).UnixMilli()), Message: aws.String("fresh")},
	}
	for _, e := range events { // a batch spans at most 24 hours
		if _, err := cb.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: []cwtypes.InputLogEvent{e}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cwClient(a).PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: g, RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatalf("PutRetentionPolicy on A: %v", err)
	}
	groups, err := cb.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: g})
	if err != nil || len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 1 {
		t.Errorf("log group on B: %+v %v, want a retention of 1 day", groups, err)
	}
	got, err := cb.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: g, LogStreamName: s, StartFromHead: aws.Bool(true)})
	if err != nil || len(got.Events) != 1 || aws.ToString(got.Events[0].Message) != "fresh" {
		t.Errorf("events on B after the policy: %+v %v, want only the fresh one", got, err)
	}
	streams, err := cb.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: g})
	if err != nil || len(streams.LogStreams) != 1 || aws.ToInt64(streams.LogStreams[0].FirstEventTimestamp) != aws.ToInt64(events[1].Timestamp) {
		t.Errorf("stream on B after the policy: %+v %v, want its first event the fresh one", streams, err)
	}
}

// errorsGroupedConcurrently: reports of three messages sent at once
// through both nodes by several clients end as one item per message, each
// counting every report, with distinct counters.
func errorsGroupedConcurrently(t *testing.T, a, b *instance) {
	const clients, rounds = 3, 5                   // per node
	failures := []string{"alpha", "beta", "gamma"} // words: digits are masked when messages are grouped
	var mu sync.Mutex
	var clientErrs []error
	var wg sync.WaitGroup
	for _, in := range []*instance{a, b} {
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var errs []error
				c := rollbargo.NewSync("0123456789abcdef0123456789abcdef", "production", "v1", "web", "lookout/test/compat")
				c.SetEndpoint(in.HTTP + "/api/1/item/")
				c.SetLogger(&captureLogger{errs: &errs})
				for range rounds {
					for _, name := range failures {
						c.Message(rollbargo.ERR, "concurrent failure "+name)
					}
				}
				c.Close()
				mu.Lock()
				clientErrs = append(clientErrs, errs...)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if len(clientErrs) > 0 {
		t.Fatalf("rollbar-go reported errors: %v", clientErrs)
	}
	for _, in := range []*instance{a, b} {
		counters := map[string]bool{}
		for _, name := range failures {
			title := "concurrent failure " + name
			var items []map[string]any
			for t2, it := range rollbarItems(t, in, "") {
				if t2 == title {
					items = append(items, it)
				}
			}
			if len(items) != 1 || fmtValue(items[0]["total_occurrences"]) != fmt.Sprint(2*clients*rounds) {
				t.Errorf("items %q on %s: %+v, want one of %d occurrences", title, in.HTTP, items, 2*clients*rounds)
				continue
			}
			counters[fmtValue(items[0]["counter"])] = true
		}
		if len(counters) != 3 {
			t.Errorf("counters on %s: %v, want three distinct", in.HTTP, counters)
		}
	}
}
