package xraysampling

import (
	"context"
	"testing"
	"time"

	"lookout/internal/model"
)

// TestServicesShareOneStore runs two services, as two nodes would, on one
// metadata store that keeps both the rules and the quota state: the
// clients polling either node split one reservoir, and a rule changed or
// deleted through one node is served by the other once RuleRefresh has
// passed, with a LastModified that makes the SDKs fetch the rules again.
func TestServicesShareOneStore(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	meta := openRules(t)
	now := t0
	shared := func(c *ServiceConfig) { c.Quotas = meta }
	a, b := newService(t, meta, &now, shared), newService(t, meta, &now, shared)
	if _, err := a.CreateRule(ctx, p, testRule("r", 5), nil); err != nil {
		t.Fatal(err)
	}
	held := map[string]Target{} // client → its last target
	steps := []struct {
		name   string
		at     time.Duration
		node   *Service
		client string
		want   int // the client's quota; -1: any
		rate   float64
	}{
		{"the first client takes the reservoir", 0, a, "c1", 4, 0.5},
		{"a client of the other node gets what is left: nothing", time.Second, b, "c2", 0, 0.5},
		{"the first reports again: its share", 10 * time.Second, a, "c1", 2, 0.5},
		{"the second: the rest", 11 * time.Second, b, "c2", 2, 0.5},
		{"a third client on the first node: nothing yet", 12 * time.Second, a, "c3", 0, 0.5},
		{"three share it", 20 * time.Second, b, "c2", -1, 0.5},
		{"three share it", 21 * time.Second, a, "c1", -1, 0.5},
		{"three share it", 22 * time.Second, a, "c3", -1, 0.5},
		{"three share it", 30 * time.Second, b, "c2", -1, 0.5},
		{"three share it", 31 * time.Second, a, "c1", -1, 0.5},
		{"three share it", 32 * time.Second, a, "c3", -1, 0.5},
	}
	for _, s := range steps {
		now = t0.Add(s.at)
		got := report(t, s.node, s.client, "r")
		if len(got.Targets) != 1 || (s.want >= 0 && got.Targets[0].Quota != s.want) || got.Targets[0].FixedRate != s.rate {
			t.Fatalf("%s: %+v, want quota %d at rate %v", s.name, got, s.want, s.rate)
		}
		held[s.client] = got.Targets[0]
		sum := 0
		for _, h := range held {
			if h.QuotaTTL.After(now) {
				sum += h.Quota
			}
		}
		if sum > 4 {
			t.Fatalf("%s: the quotas valid at %v add up to %d, more than the reservoir of 4: %+v", s.name, s.at, sum, held)
		}
	}
	if held["c3"].Quota == 0 {
		t.Errorf("the third client has no share after reporting three times: %+v", held)
	}

	rate := 0.9
	now = t0.Add(40 * time.Second)
	report(t, b, "c2", "r") // the other node has just read the rules
	if _, err := a.UpdateRule(ctx, p, "r", Update{FixedRate: &rate}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if got := report(t, b, "c2", "r"); got.Targets[0].FixedRate != 0.5 {
		t.Errorf("within RuleRefresh: rate %v, want the rule as the node last read it", got.Targets[0].FixedRate)
	}
	now = now.Add(DefaultServiceConfig().RuleRefresh)
	got := report(t, b, "c2", "r")
	if got.Targets[0].FixedRate != 0.9 || !got.LastModified.Equal(now) {
		t.Errorf("after RuleRefresh: rate %v, last modified %v; want 0.9 and %v", got.Targets[0].FixedRate, got.LastModified, now)
	}

	if _, err := a.DeleteRule(ctx, p, "r"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(DefaultServiceConfig().RuleRefresh)
	got = report(t, b, "c2", "r")
	if len(got.Targets) != 0 || len(got.Unknown) != 1 {
		t.Errorf("after the delete through the other node: %+v, want the rule unknown", got)
	}
	rules, err := b.Rules(ctx, p)
	if err != nil || len(rules) != 1 {
		t.Errorf("rules on the other node: %+v %v, want Default alone", rules, err)
	}
}

// report has client report 100 requests for rule to s.
func report(t *testing.T, s *Service, client, rule string) Targets {
	t.Helper()
	got, err := s.Targets(context.Background(), model.DefaultProject,
		[]Report{{RuleName: rule, ClientID: client, Counts: Counts{Requests: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestServiceRereadsRulesForAnUnknownRule: a client reporting a rule the
// node does not know (it learned it from another node) makes the node
// read the rules again, at most once a second, before RuleRefresh.
func TestServiceRereadsRulesForAnUnknownRule(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	meta := openRules(t)
	now := t0
	a, b := newService(t, meta, &now, nil), newService(t, meta, &now, nil)
	if _, err := b.Rules(ctx, p); err != nil { // b reads the rules: Default alone
		t.Fatal(err)
	}
	if _, err := a.CreateRule(ctx, p, testRule("new", 5), nil); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at    time.Duration
		known bool
	}{
		{500 * time.Millisecond, false}, // read half a second ago
		{time.Second, true},
	}
	for _, s := range steps {
		now = t0.Add(s.at)
		got := report(t, b, "c1", "new")
		if known := len(got.Targets) == 1; known != s.known {
			t.Errorf("at %v: %+v, want the rule known: %v", s.at, got, s.known)
		}
	}
}
