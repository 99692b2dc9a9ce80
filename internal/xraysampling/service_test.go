package xraysampling

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/metaduck"
)

// openRules opens a metadata store in a temporary directory.
func openRules(t *testing.T) *metaduck.Store {
	t.Helper()
	st, err := metaduck.Open(context.Background(), metaduck.Config{Path: filepath.Join(t.TempDir(), "meta.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newService builds a service over rules whose clock reads *now.
func newService(t *testing.T, rules RuleStore, now *time.Time, mod func(*ServiceConfig)) *Service {
	t.Helper()
	cfg := DefaultServiceConfig()
	cfg.Now, cfg.Logger = func() time.Time { return *now }, slog.New(slog.DiscardHandler)
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewService(cfg, rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testRule(name string, priority int32) Rule {
	return Rule{RuleName: name, ResourceARN: "*", Priority: priority, FixedRate: 0.5, ReservoirSize: 4,
		ServiceName: "*", ServiceType: "*", Host: "*", HTTPMethod: "*", URLPath: "/" + name + "*", Version: 1,
		Attributes: map[string]string{}}
}

func TestServiceRuleErrors(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	now := t0
	s := newService(t, openRules(t), &now, func(c *ServiceConfig) { c.MaxRules = 1 })
	rate := 2.0
	var limit *LimitError
	var field *FieldError
	steps := []struct {
		name string
		op   func() error
		ok   func(error) bool
	}{
		{"create", func() error { _, err := s.CreateRule(ctx, p, testRule("a", 5), nil); return err },
			func(err error) bool { return err == nil }},
		{"create again", func() error { _, err := s.CreateRule(ctx, p, testRule("a", 6), nil); return err },
			func(err error) bool { return errors.Is(err, ErrRuleExists) }},
		{"create beyond MaxRules", func() error { _, err := s.CreateRule(ctx, p, testRule("b", 5), nil); return err },
			func(err error) bool { return errors.As(err, &limit) && limit.Rules == 1 }},
		{"update unknown", func() error { _, err := s.UpdateRule(ctx, p, "nope", Update{}); return err },
			func(err error) bool { return errors.Is(err, ErrNoRule) }},
		{"update to a bad rate", func() error { _, err := s.UpdateRule(ctx, p, "a", Update{FixedRate: &rate}); return err },
			func(err error) bool { return errors.As(err, &field) && field.Field == "SamplingRuleUpdate.FixedRate" }},
		{"delete Default", func() error { _, err := s.DeleteRule(ctx, p, DefaultRuleName); return err },
			func(err error) bool { return errors.Is(err, ErrDefaultRule) }},
		{"delete unknown", func() error { _, err := s.DeleteRule(ctx, p, "nope"); return err },
			func(err error) bool { return errors.Is(err, ErrNoRule) }},
		{"delete", func() error { _, err := s.DeleteRule(ctx, p, "a"); return err },
			func(err error) bool { return err == nil }},
		{"create after delete", func() error { _, err := s.CreateRule(ctx, p, testRule("b", 5), nil); return err },
			func(err error) bool { return err == nil }},
	}
	for _, st := range steps {
		if err := st.op(); !st.ok(err) {
			t.Errorf("%s: %v", st.name, err)
		}
	}
}

// TestServiceKeepsRules: rules come back from the store after a restart,
// in creation order with their times; a document that does not decode is
// left out; a record handed out is a copy.
func TestServiceKeepsRules(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	docs := openRules(t)
	now := t0
	s := newService(t, docs, &now, nil)
	for i, name := range []string{"b", "a"} {
		now = t0.Add(time.Duration(i) * time.Second)
		if _, err := s.CreateRule(ctx, p, testRule(name, 10), []Tag{{Key: "team", Value: name}}); err != nil {
			t.Fatal(err)
		}
	}
	now = t0.Add(time.Minute)
	size := int32(9)
	rec, err := s.UpdateRule(ctx, p, "b", Update{ReservoirSize: &size, Attributes: map[string]string{"tier": "gold"}})
	if err != nil {
		t.Fatal(err)
	}
	rec.Rule.Attributes["tier"] = "changed by the caller"
	if _, err := docs.PutDocument(ctx, store.Document{Project: p, Kind: RuleKind, Name: "broken", Body: []byte(`{"SamplingRule":7}`)}, 0); err != nil {
		t.Fatal(err)
	}

	again := newService(t, docs, &now, nil)
	for name, svc := range map[string]*Service{"running": s, "restarted": again} {
		if name == "running" {
			// A name taken in the store is refused, though the running
			// service loaded its rules before.
			if _, err := svc.CreateRule(ctx, p, testRule("broken", 1), nil); !errors.Is(err, ErrRuleExists) {
				t.Errorf("running: create over a stored name: %v", err)
			}
		}
		recs, err := svc.Rules(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range recs {
			names = append(names, r.Rule.RuleName)
		}
		if !slices.Equal(names, []string{"Default", "b", "a"}) {
			t.Fatalf("%s: rules %v", name, names)
		}
		b := recs[1]
		if !b.CreatedAt.Equal(t0) || !b.ModifiedAt.Equal(t0.Add(time.Minute)) || b.Rule.ReservoirSize != 9 ||
			b.Rule.Attributes["tier"] != "gold" || len(b.Tags) != 1 || b.Tags[0].Value != "b" {
			t.Errorf("%s: rule b %+v", name, b)
		}
		if d := recs[0]; !d.CreatedAt.IsZero() || d.Rule.Attributes == nil {
			t.Errorf("%s: Default %+v", name, d)
		}
	}
}

func TestServiceTargetsAndSummaries(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	now := t0
	s := newService(t, openRules(t), &now, nil)
	res, err := s.Targets(ctx, p, []Report{{RuleName: DefaultRuleName, ClientID: "c1", Counts: Counts{Requests: 10, Sampled: 1}}})
	if err != nil || len(res.Targets) != 1 || len(res.Unknown) != 0 || !res.LastModified.IsZero() {
		t.Fatalf("before any rule change: %+v %v", res, err)
	}
	if _, err := s.CreateRule(ctx, p, testRule("a", 5), nil); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(11 * time.Second)
	res, err = s.Targets(ctx, p, []Report{
		{RuleName: "gone", ClientID: "c1"},
		{RuleName: "a", ClientID: "c1", Counts: Counts{Requests: 40, Sampled: 20, Borrowed: 1}},
		{RuleName: DefaultRuleName, ClientID: "c1", Counts: Counts{Requests: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Targets) != 2 || res.Targets[0].RuleName != "a" || res.Targets[0].FixedRate != 0.5 || res.Targets[0].Quota != 4 ||
		res.Targets[0].Interval != 10*time.Second || !res.Targets[0].QuotaTTL.After(now) ||
		!slices.Equal(res.Unknown, []string{"gone"}) || !res.LastModified.Equal(t0) {
		t.Errorf("targets %+v", res)
	}
	sums, err := s.Summaries(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums[0].RuleName != DefaultRuleName || sums[1].RuleName != "a" ||
		sums[0].Requests != 2 || !sums[0].Start.Equal(t0.Add(10*time.Second)) || sums[1].Borrowed != 1 {
		t.Errorf("summaries %+v", sums)
	}
	d, err := s.Match(ctx, p, Request{ServiceName: "svc", URLPath: "/a/1"})
	if err != nil || d.Rule.RuleName != "a" || len(d.Skipped) != 0 {
		t.Errorf("match %+v %v", d, err)
	}
	diag, err := s.Diagnose(ctx, p)
	if err != nil || len(diag.Rules) != 2 || diag.Rules[0].Rule.RuleName != "a" || diag.Rules[0].Stats.Requests != 40 ||
		!diag.End.Equal(now) || diag.Start != now.Add(-time.Hour) {
		t.Errorf("diagnosis %+v %v", diag, err)
	}
}

func TestServiceConfigValidate(t *testing.T) {
	for name, mod := range map[string]func(*ServiceConfig){
		"rules":    func(c *ServiceConfig) { c.MaxRules = -1 },
		"services": func(c *ServiceConfig) { c.DiagServices = 0 },
		"traces":   func(c *ServiceConfig) { c.DiagTraces = 0 },
		"window":   func(c *ServiceConfig) { c.StatsWindow = 0 },
		"keep":     func(c *ServiceConfig) { c.StatsKeep = time.Second },
		"alloc":    func(c *ServiceConfig) { c.Alloc.Interval = 0 },
	} {
		cfg := DefaultServiceConfig()
		mod(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("%s: %+v accepted", name, cfg)
		}
	}
	if err := DefaultServiceConfig().Validate(); err != nil {
		t.Error(err)
	}
}
