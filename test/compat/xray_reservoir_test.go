package compat

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsxray "github.com/aws/aws-sdk-go-v2/service/xray"
	"github.com/aws/aws-sdk-go-v2/service/xray/types"
	"github.com/aws/aws-xray-sdk-go/daemoncfg"
	"github.com/aws/aws-xray-sdk-go/strategy/sampling"
)

// quotaLedger keeps the quotas handed out per client and checks that the
// ones valid at a moment never add up to more than the reservoir.
type quotaLedger struct {
	mu        sync.Mutex
	reservoir int
	held      map[string]heldQuota // client id →
	perClient map[string][]int     // client id → the quotas handed out, in order
	errs      []string
}

type heldQuota struct {
	quota int
	ttl   time.Time
}

func newQuotaLedger(reservoir int) *quotaLedger {
	return &quotaLedger{reservoir: reservoir, held: map[string]heldQuota{}, perClient: map[string][]int{}}
}

// add records a quota handed to client at now (a replacement of its last
// one) and returns the sum of the quotas valid at now.
func (l *quotaLedger) add(client string, quota int, ttl, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[client] = heldQuota{quota, ttl}
	l.perClient[client] = append(l.perClient[client], quota)
	sum := 0
	for _, h := range l.held {
		if h.ttl.After(now) {
			sum += h.quota
		}
	}
	if sum > l.reservoir {
		l.errs = append(l.errs, client+" was handed a quota that makes the valid ones add up to more than the reservoir")
	}
	return sum
}

// TestXRayReservoirTwoClients: two GetSamplingTargets callers with
// distinct ClientIDs, through the aws-sdk-go-v2 X-Ray client, never hold
// more than the rule's ReservoirSize together: the newcomer gets nothing
// while the first one's quota is valid, and the reservoir is split once
// both reported again.
func TestXRayReservoirTwoClients(t *testing.T) {
	ctx := context.Background()
	in := startLookout(t, t.TempDir())
	c := xrayClient(in.XRayAPI)
	if _, err := c.CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{
		SamplingRule: samplingRule("Cruddur", 9000, "backend-flask", "*", 0.1, 5)}); err != nil {
		t.Fatal(err)
	}
	ledger := newQuotaLedger(5)
	report := func(client string) int {
		t.Helper()
		now := time.Now()
		out, err := c.GetSamplingTargets(ctx, &awsxray.GetSamplingTargetsInput{SamplingStatisticsDocuments: []types.SamplingStatisticsDocument{
			{RuleName: aws.String("Cruddur"), ClientID: aws.String(client), Timestamp: aws.Time(now),
				RequestCount: 200, SampledCount: 10}}})
		if err != nil || len(out.SamplingTargetDocuments) != 1 {
			t.Fatalf("GetSamplingTargets for %s: %+v %v", client, out, err)
		}
		d := out.SamplingTargetDocuments[0]
		q := int(aws.ToInt32(d.ReservoirQuota))
		ledger.add(client, q, aws.ToTime(d.ReservoirQuotaTTL), now)
		return q
	}
	a, b := strings.Repeat("a1", 12), strings.Repeat("b2", 12)
	if q := report(a); q != 5 {
		t.Errorf("the only client's quota %d, want 5", q)
	}
	if q := report(b); q != 0 {
		t.Errorf("the newcomer's quota %d while the first holds 5, want 0", q)
	}
	qa := report(a)
	qb := report(b)
	if qa+qb != 5 || qa == 0 || qb == 0 {
		t.Errorf("after both reported again: %d + %d, want a split of 5", qa, qb)
	}
	for i := 0; i < 4; i++ {
		report(a)
		report(b)
	}
	ledger.check(t)
}

// TestXRayReservoirTwoSDKs runs two aws-xray-sdk-go centralized strategies
// (two processes' worth of sampling: each its own ClientID and pollers)
// against lookout through a recording proxy, and checks every quota lookout
// hands them: the ones valid at any moment add up to at most the rule's
// ReservoirSize. Slow: the SDK reports every ~10 s; two rounds are needed.
func TestXRayReservoirTwoSDKs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: waits for two rounds of the X-Ray SDK's 10-second statistics reports")
	}
	ctx := context.Background()
	in := startLookout(t, t.TempDir())
	if _, err := xrayClient(in.XRayAPI).CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{
		SamplingRule: samplingRule("Cruddur", 9000, "backend-flask", "*", 0, 5)}); err != nil {
		t.Fatal(err)
	}
	ledger := newQuotaLedger(5)
	rec := recordTargets(t, in, ledger, "Cruddur")

	endpoints, err := daemoncfg.GetDaemonEndpointsFromString("tcp:" + strings.TrimPrefix(rec, "http://") + " udp:" + in.XRayUDP)
	if err != nil {
		t.Fatal(err)
	}
	var sdks []*sampling.CentralizedStrategy
	for i := 0; i < 2; i++ {
		cs, err := sampling.NewCentralizedStrategy()
		if err != nil {
			t.Fatal(err)
		}
		cs.LoadDaemonEndpoints(endpoints)
		sdks = append(sdks, cs)
	}
	req := &sampling.Request{Host: "127.0.0.1:4567", Method: "GET", URL: "/api/activities/home", ServiceName: "backend-flask"}
	ledger.waitRounds(t, 2, func() {
		for _, cs := range sdks {
			cs.ShouldTrace(req)
		}
	})
	ledger.check(t)
}

// TestXRayReservoirTwoPythonSDKs is TestXRayReservoirTwoSDKs with two
// samplers of the Python X-Ray SDK (each its own ClientID and pollers).
func TestXRayReservoirTwoPythonSDKs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: waits for two rounds of the X-Ray SDK's 10-second statistics reports")
	}
	requirePython(t, "aws_xray_sdk")
	ctx := context.Background()
	in := startLookout(t, t.TempDir())
	if _, err := xrayClient(in.XRayAPI).CreateSamplingRule(ctx, &awsxray.CreateSamplingRuleInput{
		SamplingRule: samplingRule("Cruddur", 9000, "backend-flask", "*", 0, 5)}); err != nil {
		t.Fatal(err)
	}
	ledger := newQuotaLedger(5)
	rec := recordTargets(t, in, ledger, "Cruddur")
	cmd := exec.Command("python3", "-c", twoPythonSamplers)
	cmd.Env = append(os.Environ(), "AWS_XRAY_DAEMON_ADDRESS=tcp:"+strings.TrimPrefix(rec, "http://")+" udp:"+in.XRayUDP)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("python:\n%s", out.String())
		}
	}()
	ledger.waitRounds(t, 2, func() {})
	ledger.check(t)
}

// twoPythonSamplers asks two samplers of the Python SDK to decide requests
// for backend-flask until killed.
const twoPythonSamplers = `
import os, time
from aws_xray_sdk.core.sampling.sampler import DefaultSampler
from aws_xray_sdk.core.daemon_config import DaemonConfig
from aws_xray_sdk.core.context import Context
samplers = []
for _ in range(2):
    s = DefaultSampler()
    s.load_settings(DaemonConfig(os.environ['AWS_XRAY_DAEMON_ADDRESS']), Context())
    samplers.append(s)
while True:
    for s in samplers:
        s.should_trace({'host': '127.0.0.1:4567', 'method': 'GET', 'path': '/api/activities/home', 'service': 'backend-flask'})
    time.sleep(0.05)
`

// recordTargets puts a proxy in front of lookout's X-Ray API that records
// in ledger every quota of rule GetSamplingTargets hands out, and returns
// its URL.
func recordTargets(t *testing.T, in *instance, ledger *quotaLedger, rule string) string {
	t.Helper()
	target, _ := url.Parse(in.XRayAPI)
	proxy := httputil.NewSingleHostReverseProxy(target)
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/SamplingTargets" {
			proxy.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var req struct {
			SamplingStatisticsDocuments []struct{ RuleName, ClientID string }
		}
		_ = json.Unmarshal(body, &req)
		now := time.Now()
		r.Body = io.NopCloser(bytes.NewReader(body))
		rw := httptest.NewRecorder()
		proxy.ServeHTTP(rw, r)
		var resp struct {
			SamplingTargetDocuments []struct {
				RuleName          string
				ReservoirQuota    *int
				ReservoirQuotaTTL float64
			}
		}
		_ = json.Unmarshal(rw.Body.Bytes(), &resp)
		for _, d := range resp.SamplingTargetDocuments {
			if d.RuleName != rule || d.ReservoirQuota == nil || len(req.SamplingStatisticsDocuments) == 0 {
				continue
			}
			sec, frac := math.Modf(d.ReservoirQuotaTTL)
			ledger.add(req.SamplingStatisticsDocuments[0].ClientID, *d.ReservoirQuota, time.Unix(int64(sec), int64(frac*1e9)), now)
		}
		for k, v := range rw.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.Code)
		_, _ = w.Write(rw.Body.Bytes())
	}))
	t.Cleanup(rec.Close)
	return rec.URL
}

// waitRounds calls tick until two clients were each handed rounds quotas.
func (l *quotaLedger) waitRounds(t *testing.T, rounds int, tick func()) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		tick()
		l.mu.Lock()
		done := len(l.perClient) >= 2
		for _, qs := range l.perClient {
			done = done && len(qs) >= rounds
		}
		l.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("%d rounds of reports from two clients did not come in 60 s: %v", rounds, l.perClient)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// check fails the test for every quota that made the valid ones exceed
// the reservoir.
func (l *quotaLedger) check(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.errs {
		t.Error(e)
	}
	t.Logf("quotas per client: %v", l.perClient)
}
