package xraysampling

import (
	"context"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
)

// TestDiagnoseUnmatched: a rule that matched no request is flagged whichever
// rule took the requests (Default, a custom catch-all, a rule evaluated
// before it), with the field that failed for the requests stored, as
// Match gives it; with nothing reported, nothing is flagged.
func TestDiagnoseUnmatched(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	rule := func(name string, prio int32, edit func(*Rule)) Rule {
		r := testRule(name, prio)
		r.URLPath = "*"
		if edit != nil {
			edit(&r)
		}
		return r
	}
	apiHost := rule("api-host", 100, func(r *Rule) { r.Host = "api.example.com" })
	cruddur := rule("Cruddur", 200, func(r *Rule) { r.ServiceName = "backend-flask" })
	catchAll := rule("catch-all", 5000, nil)
	health := rule("health", 50, func(r *Rule) { r.URLPath = "/health*" })

	flask := func(seg *memSegments) {
		for i := 0; i < 4; i++ {
			seg.add(segmentSpan("backend-flask", "GET", "http://127.0.0.1:4567/api/activities/home", byte(i), t0.Add(time.Duration(i)*time.Second)))
		}
	}
	dynamic := func(seg *memSegments) {
		for i := 0; i < 3; i++ {
			seg.add(segmentSpan("4567-cruddur.gitpod.io", "GET", "https://4567-cruddur.gitpod.io/api/activities/home", byte(10+i), t0))
		}
	}
	cases := []struct {
		name    string
		rules   []Rule
		spans   func(*memSegments)
		reports map[string]int64 // rule → requests
		flagged string           // the rule that must be flagged unmatched, "" for none
		want    []string         // in its message
		field   string           // Seen[0].Why.Field
	}{
		{"a custom catch-all took the requests", []Rule{apiHost, catchAll}, flask, map[string]int64{"catch-all": 40},
			"api-host", []string{`while rule evaluated after it took "catch-all" 40`,
				`Host "api.example.com" matched no segment of "backend-flask"; hosts seen: 127.0.0.1:4567`}, "Host"},
		{"Default took them", []Rule{apiHost}, flask, map[string]int64{DefaultRuleName: 12},
			"api-host", []string{`took "Default" 12`, `Host "api.example.com"`}, "Host"},
		{"a rule evaluated before it took them all", []Rule{health, apiHost}, flask, map[string]int64{"health": 7},
			"api-host", []string{`every request reported was decided by a rule evaluated before it ("health" 7)`}, "Host"},
		{"dynamic naming hides the service name", []Rule{cruddur, catchAll}, dynamic, map[string]int64{"catch-all": 3},
			"Cruddur", []string{`ServiceName "backend-flask" matched no segment; services seen: 4567-cruddur.gitpod.io`,
				`"4567-cruddur.gitpod.io" is named after the request's Host header`}, "ServiceName"},
		{"nothing reported", []Rule{apiHost, catchAll}, flask, nil, "", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := t0
			segs := &memSegments{}
			c.spans(segs)
			s := newServiceOver(t, segs, &now)
			for _, r := range c.rules {
				if _, err := s.CreateRule(ctx, p, r, nil); err != nil {
					t.Fatal(err)
				}
			}
			now = t0.Add(time.Minute)
			var reports []Report
			for name, n := range c.reports {
				reports = append(reports, Report{RuleName: name, ClientID: "c1", Counts: Counts{Requests: n, Sampled: 1}})
			}
			if _, err := s.Targets(ctx, p, reports); err != nil {
				t.Fatal(err)
			}
			d, err := s.Diagnose(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, rd := range d.Rules {
				for _, f := range rd.Findings {
					if f.Kind != "unmatched" {
						continue
					}
					if rd.Rule.RuleName != c.flagged {
						t.Errorf("%s flagged: %s", rd.Rule.RuleName, f.Message)
						continue
					}
					for _, w := range c.want {
						if !strings.Contains(f.Message, w) {
							t.Errorf("message %q\nwant it to contain %q", f.Message, w)
						}
					}
					if len(f.Seen) == 0 || f.Seen[0].Why.Field != c.field {
						t.Errorf("seen %+v, want the first failing on %s", f.Seen, c.field)
					}
					c.flagged = "" // found
				}
			}
			if c.flagged != "" {
				t.Errorf("%s not flagged: %+v", c.flagged, d.Rules)
			}
		})
	}
}
