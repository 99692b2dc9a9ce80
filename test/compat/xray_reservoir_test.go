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
	answers   int
	errs      []string
}

type heldQuota struct {
	quota int
	ttl   time.Time
}

func newQuotaLedger(reservoir int) *quotaLedger {
	return &quotaLedger{reservoir: reservoir, held: map[string]heldQuota{}}
}

// add records a quota handed to client at now (a replacement of its last
// one) and returns the sum of the quotas valid at now.
func (l *quotaLedger) add(client string, quota int, ttl, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held[client] = heldQuota{quota, ttl}
	l.answers++
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
	for _, e := range ledger.errs {
		t.Error(e)
	}
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
	perClient := map[string][]int{}
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
			if d.RuleName != "Cruddur" || d.ReservoirQuota == nil || len(req.SamplingStatisticsDocuments) == 0 {
				continue
			}
			client := req.SamplingStatisticsDocuments[0].ClientID
			sec, frac := math.Modf(d.ReservoirQuotaTTL)
			ledger.add(client, *d.ReservoirQuota, time.Unix(int64(sec), int64(frac*1e9)), now)
			ledger.mu.Lock()
			perClient[client] = append(perClient[client], *d.ReservoirQuota)
			ledger.mu.Unlock()
		}
		for k, v := range rw.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.Code)
		_, _ = w.Write(rw.Body.Bytes())
	}))
	defer rec.Close()

	endpoints, err := daemoncfg.GetDaemonEndpointsFromString("tcp:" + strings.TrimPrefix(rec.URL, "http://") + " udp:" + in.XRayUDP)
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
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, cs := range sdks {
			cs.ShouldTrace(req)
		}
		ledger.mu.Lock()
		rounds := len(perClient)
		for _, qs := range perClient {
			rounds = min(rounds, len(qs))
		}
		if len(perClient) < 2 {
			rounds = 0
		}
		ledger.mu.Unlock()
		if rounds >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("two rounds of reports from two clients did not come in 60 s: %v", perClient)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ledger.mu.Lock()
	defer ledger.mu.Unlock()
	for _, e := range ledger.errs {
		t.Error(e)
	}
	t.Logf("quotas per client: %v", perClient)
}
