package xraysampling

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"lookout/internal/store"
)

// Record is a rule as kept: the rule, when it was created and last changed
// (both zero for the built-in Default), and its tags. Its JSON is the body
// of the rule's RuleKind document.
type Record struct {
	Rule       Rule      `json:"SamplingRule"`
	CreatedAt  time.Time `json:"CreatedAt"`
	ModifiedAt time.Time `json:"ModifiedAt"`
	Tags       []Tag     `json:"Tags,omitempty"`
	version    int64     // 0: the built-in Default, never stored
}

// Tag is a key and value kept with a rule.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// CreatedBefore orders records as GetSamplingRules lists them: by
// creation (Default, created at the zero time, first), then by name.
func (r Record) CreatedBefore(o Record) bool {
	if !r.CreatedAt.Equal(o.CreatedAt) {
		return r.CreatedAt.Before(o.CreatedAt)
	}
	return r.Rule.RuleName < o.Rule.RuleName
}

// clone is a copy the caller may keep and change.
func (r *Record) clone() Record {
	c := *r
	c.Rule.Attributes = copyMap(r.Rule.Attributes)
	c.Tags = slices.Clone(r.Tags)
	return c
}

// sorted returns the rules in evaluation order.
func (set *ruleSet) sorted() []*Record {
	out := make([]*Record, 0, len(set.rules))
	for _, r := range set.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return Less(out[i].Rule, out[j].Rule) })
	return out
}

// CreateRule adds rule, which must have passed Rule.Validate, with tags to
// the project's rules, and returns it once stored. It fails with
// ErrRuleExists when a rule of that name exists and with a *LimitError
// when there are ServiceConfig.MaxRules rules besides Default.
func (s *Service) CreateRule(ctx context.Context, project string, rule Rule, tags []Tag) (Record, error) {
	var out Record
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		if _, ok := set.rules[rule.RuleName]; ok {
			return ruleError(rule.RuleName, ErrRuleExists)
		}
		if n := len(set.rules) - 1; n >= s.cfg.MaxRules {
			return &LimitError{Rules: n}
		}
		now := s.cfg.Now().UTC()
		rec := &Record{Rule: rule, CreatedAt: now, ModifiedAt: now, Tags: tags}
		rec.Rule.Attributes = copyMap(rule.Attributes)
		if err := s.save(ctx, project, rec); err != nil {
			if errors.Is(err, store.ErrExists) {
				return ruleError(rule.RuleName, ErrRuleExists)
			}
			return err
		}
		set.rules[rule.RuleName], set.lastMod = rec, latest(set.lastMod, now)
		out = rec.clone()
		return nil
	})
	return out, err
}

// UpdateRule changes the rule named name by u (see Apply; field errors
// name members under SamplingRuleUpdate, as UpdateSamplingRule does) and
// returns it once stored. It fails with ErrNoRule when there is no such
// rule.
func (s *Service) UpdateRule(ctx context.Context, project, name string, u Update) (Record, error) {
	var out Record
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		rec := set.rules[name]
		if rec == nil {
			return ruleError(name, ErrNoRule)
		}
		rule, err := Apply(rec.Rule, u, "SamplingRuleUpdate")
		if err != nil {
			return err
		}
		next := *rec
		next.Rule, next.ModifiedAt = rule, s.cfg.Now().UTC()
		if err := s.save(ctx, project, &next); err != nil {
			return err
		}
		set.rules[name], set.lastMod = &next, latest(set.lastMod, next.ModifiedAt)
		out = next.clone()
		return nil
	})
	return out, err
}

// DeleteRule removes the rule named name, with its statistics and quotas,
// and returns it. It fails with ErrDefaultRule for Default and with
// ErrNoRule when there is no such rule.
func (s *Service) DeleteRule(ctx context.Context, project, name string) (Record, error) {
	if name == DefaultRuleName {
		return Record{}, ErrDefaultRule
	}
	var out Record
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		rec := set.rules[name]
		if rec == nil {
			return ruleError(name, ErrNoRule)
		}
		err := s.rules.DeleteDocument(ctx, project, RuleKind, name, rec.version)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		delete(set.rules, name)
		if err := s.alloc.Forget(ctx, project, name); err != nil {
			s.log.Warn("xray sampling: deleted rule's quotas left to expire", "project", project, "rule", name, "err", err)
		}
		set.stats.Forget(name)
		set.history.forget(name)
		set.lastMod = latest(set.lastMod, s.cfg.Now().UTC())
		out = rec.clone()
		return nil
	})
	return out, err
}

// ruleError names the rule err is about.
func ruleError(name string, err error) error { return fmt.Errorf("sampling rule %q: %w", name, err) }

// Rules lists the project's rules, Default first, then by creation (see
// Record.CreatedBefore).
func (s *Service) Rules(ctx context.Context, project string) ([]Record, error) {
	var out []Record
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		out = make([]Record, 0, len(set.rules))
		for _, r := range set.rules {
			out = append(out, r.clone())
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedBefore(out[j]) })
	return out, err
}
