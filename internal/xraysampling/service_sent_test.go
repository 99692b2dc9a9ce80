package xraysampling

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
)

// TestDiagnoseUnsent: the requests a client reported sampled under a rule
// are compared with the segments that arrived under it; a gap is flagged
// with its likely causes, and segments without any report say so.
func TestDiagnoseUnsent(t *testing.T) {
	ctx, p := context.Background(), model.DefaultProject
	const src, client = "127.0.0.1:41234", "c0ffee0000000000c0ffee00"
	sampled := func(rule string, trace byte, at time.Time, source string) model.Span {
		sp := segmentSpan("backend-flask", "GET", "http://127.0.0.1:4567/api/activities/home", trace, at,
			model.KeyValue{Key: AttrSamplingRule, Value: model.StringValue(rule)})
		if source != "" {
			sp.Resource.Attributes = append(sp.Resource.Attributes, model.KeyValue{Key: AttrUDPSource, Value: model.StringValue(source)})
		}
		return sp
	}
	cruddur := testRule("Cruddur", 9000)
	cruddur.ServiceName, cruddur.URLPath = "backend-flask", "*"

	t.Run("three never sent", func(t *testing.T) {
		now := t0
		segs := &memSegments{}
		s := newServiceOver(t, segs, &now)
		if _, err := s.CreateRule(ctx, p, cruddur, nil); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 9; i++ {
			at := t0.Add(time.Duration(1+2*i) * time.Second) // 1 s … 17 s
			segs.add(sampled("Cruddur", byte(i), at, src))
			if i == 0 {
				segs.add(sampled("Cruddur", byte(i), at, src)) // the same segment sent twice counts once
			}
		}
		for _, r := range []struct {
			at      time.Duration
			sampled int64
		}{{10 * time.Second, 5}, {20 * time.Second, 7}} {
			now = t0.Add(r.at)
			if _, err := s.Targets(ctx, p, []Report{{RuleName: "Cruddur", ClientID: client, Timestamp: now,
				Counts: Counts{Requests: r.sampled, Sampled: r.sampled}}}); err != nil {
				t.Fatal(err)
			}
		}
		now = t0.Add(time.Minute)
		d, err := s.Diagnose(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		rd := d.Rules[0]
		if rd.Rule.RuleName != "Cruddur" || len(rd.Sent) != 1 {
			t.Fatalf("rule %s sent %+v", rd.Rule.RuleName, rd.Sent)
		}
		if c := rd.Sent[0]; c.Sampled != 12 || c.Arrived != 9 || c.Missing != 3 || !slices.Equal(c.Clients, []string{client}) ||
			!slices.Equal(c.Services, []string{"backend-flask"}) || !slices.Equal(c.Sources, []string{src}) {
			t.Errorf("check %+v", c)
		}
		var msg string
		for _, f := range rd.Findings {
			if f.Kind == "unsent" {
				msg = f.Message
			}
		}
		want := "backend-flask: 12 requests sampled by Cruddur in the last 10m0s, 9 segments arrived: 3 never sent — a subsegment left open"
		if !strings.HasPrefix(msg, want) || !strings.Contains(msg, "UDP loss") {
			t.Errorf("finding %q\nwant it to start %q", msg, want)
		}
		clients, err := s.SamplingClients(ctx, p, []string{src, "10.0.0.1:1"}, t0, now)
		if err != nil || !slices.Equal(clients[src], []string{client}) || len(clients) != 1 {
			t.Errorf("sampling clients %v %v", clients, err)
		}
	})

	t.Run("all sent", func(t *testing.T) {
		now := t0
		segs := &memSegments{}
		s := newServiceOver(t, segs, &now)
		if _, err := s.CreateRule(ctx, p, cruddur, nil); err != nil {
			t.Fatal(err)
		}
		segs.add(sampled("Cruddur", 1, t0.Add(time.Second), src), sampled("Cruddur", 2, t0.Add(2*time.Second), src))
		now = t0.Add(10 * time.Second)
		if _, err := s.Targets(ctx, p, []Report{{RuleName: "Cruddur", ClientID: client, Counts: Counts{Requests: 9, Sampled: 2}}}); err != nil {
			t.Fatal(err)
		}
		now = t0.Add(time.Minute)
		d, _ := s.Diagnose(ctx, p)
		if len(d.Rules[0].Sent) != 1 || d.Rules[0].Sent[0].Missing != 0 || len(d.Rules[0].Findings) != 0 {
			t.Errorf("sent %+v findings %+v", d.Rules[0].Sent, d.Rules[0].Findings)
		}
	})

	notes := []struct {
		name    string
		rule    string        // of the segments
		age     time.Duration // of the segment when diagnosed
		reports []Report
		want    string
		absent  bool // the note must not be there
	}{
		{"no client uses centralized sampling", "Default", time.Minute, nil,
			"no client reported sampling statistics (GetSamplingTargets) in the last 10m0s: the X-Ray SDKs that sent segments here (backend-flask) do not use centralized sampling", false},
		{"segments under a rule no client reported", "Local", time.Minute, []Report{{RuleName: DefaultRuleName, ClientID: client, Counts: Counts{Requests: 1}}},
			`segments of backend-flask carry sampling rule "Local", but no client reported statistics for it`, false},
		{"a segment younger than the report that will cover it", "Default", 20 * time.Second, nil,
			"no client reported sampling statistics", true},
	}
	for _, c := range notes {
		t.Run(c.name, func(t *testing.T) {
			now := t0
			segs := &memSegments{}
			s := newServiceOver(t, segs, &now)
			segs.add(sampled(c.rule, 1, t0.Add(time.Second), src))
			now = t0.Add(10 * time.Second)
			if _, err := s.Targets(ctx, p, c.reports); err != nil {
				t.Fatal(err)
			}
			now = t0.Add(time.Second + c.age)
			d, _ := s.Diagnose(ctx, p)
			if slices.ContainsFunc(d.Notes, func(n string) bool { return strings.HasPrefix(n, c.want) }) == c.absent {
				t.Errorf("notes %q\nwant one starting %q: %v", d.Notes, c.want, !c.absent)
			}
		})
	}
}
