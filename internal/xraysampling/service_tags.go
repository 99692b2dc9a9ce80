package xraysampling

import (
	"context"
	"slices"
)

// RetagRule changes the tags of the rule named name (TagResource,
// UntagResource): fn is handed its current tags and returns the new ones,
// which are stored with the rule (its ModifiedAt unchanged, as tags are not
// part of the rule). It fails with ErrNoRule when there is no such rule;
// fn's error is returned as is.
func (s *Service) RetagRule(ctx context.Context, project, name string, fn func([]Tag) ([]Tag, error)) (Record, error) {
	var out Record
	err := s.withSet(ctx, project, func(set *ruleSet) error {
		rec := set.rules[name]
		if rec == nil {
			return ruleError(name, ErrNoRule)
		}
		tags, err := fn(slices.Clone(rec.Tags))
		if err != nil {
			return err
		}
		next := rec.clone()
		next.Tags = tags
		if err := s.save(ctx, project, &next); err != nil {
			return err
		}
		set.rules[name] = &next
		out = next.clone()
		return nil
	})
	return out, err
}
