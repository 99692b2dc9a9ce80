package xraysampling

import (
	"context"
	"sort"
	"time"
)

// Report is what one client reports for one rule (a
// SamplingStatisticsDocument): the rule, the client, the time the client
// stamped on it (zero when absent), its counts, and the host it came from
// ("" when unknown).
type Report struct {
	RuleName, ClientID string
	Timestamp          time.Time
	Counts
	Addr string
}

// Target is a client's share of one rule.
type Target struct {
	RuleName  string
	FixedRate float64
	// Quota is the requests per second the client may sample from the
	// reservoir, until QuotaTTL.
	Quota    int
	QuotaTTL time.Time
	// Interval is how often the client should report.
	Interval time.Duration
}

// Targets answers one round of reports.
type Targets struct {
	// Targets are for the reports' known rules, in the reports' order.
	Targets []Target
	// Unknown names the reported rules that do not exist (any more).
	Unknown []string
	// LastModified is the latest create, update or delete; zero before the
	// first.
	LastModified time.Time
}

// unknownRecheck is how long after reading a project's rules a report of
// a rule they lack makes the service read them again: the client may have
// the rule from another node that made it.
const unknownRecheck = time.Second

// Targets records each report's statistics and shares each reported rule's
// reservoir among the clients reporting for it.
func (s *Service) Targets(ctx context.Context, project string, reports []Report) (Targets, error) {
	var out Targets
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		now := s.cfg.Now().UTC()
		for _, r := range reports {
			if set.rules[r.RuleName] == nil && now.Sub(set.loadedAt) >= unknownRecheck {
				if err := s.load(ctx, project, set, now); err != nil {
					s.log.Warn("xray sampling: rules not refreshed", "project", project, "err", err)
				}
				break
			}
		}
		out = Targets{Targets: []Target{}, Unknown: []string{}, LastModified: set.lastMod}
		for _, r := range reports {
			rec := set.rules[r.RuleName]
			if rec == nil {
				out.Unknown = append(out.Unknown, r.RuleName)
				continue
			}
			quota, ttl, err := s.alloc.Report(ctx, project, rec.Rule.RuleName, int(rec.Rule.ReservoirSize), r.ClientID, r.Requests, now)
			if err != nil {
				return err
			}
			set.stats.Add(rec.Rule.RuleName, now, r.Counts)
			set.history.add(rec.Rule.RuleName, r.ClientID, r.Addr, ClientReport{At: now, Timestamp: r.Timestamp.UTC(), Counts: r.Counts})
			out.Targets = append(out.Targets, Target{RuleName: rec.Rule.RuleName, FixedRate: rec.Rule.FixedRate,
				Quota: quota, QuotaTTL: ttl, Interval: s.alloc.Interval()})
		}
		return nil
	})
	return out, err
}

// RuleWindow is a rule's statistics in one window, summed over its clients.
type RuleWindow struct {
	RuleName string
	Window
}

// Summaries returns, by rule name, the newest statistics window of each
// rule with reports in the kept windows.
func (s *Service) Summaries(ctx context.Context, project string) ([]RuleWindow, error) {
	out := []RuleWindow{}
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		for name := range set.rules {
			if win, ok := set.stats.Latest(name); ok {
				out = append(out, RuleWindow{RuleName: name, Window: win})
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].RuleName < out[j].RuleName })
	return out, err
}
