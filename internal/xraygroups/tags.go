package xraygroups

import (
	"context"
	"errors"
	"slices"

	"lookout/internal/store"
)

// Retag changes the tags of the group ref names (TagResource,
// UntagResource): fn is handed its current tags and returns the new ones,
// which are checked as CreateGroup's are and stored. fn may run more than
// once when the group changes meanwhile; its error is returned as is.
func (s *Service) Retag(ctx context.Context, project string, ref Ref, fn func([]store.ResourceTag) ([]store.ResourceTag, error)) (Group, error) {
	for attempt := 0; ; attempt++ {
		g, err := s.find(ctx, project, ref)
		if err != nil {
			return Group{}, err
		}
		tags, err := fn(slices.Clone(g.Tags))
		if err != nil {
			return Group{}, err
		}
		if err := checkTags(tags); err != nil {
			return Group{}, err
		}
		g.Tags = tags
		var stored store.XRayGroup
		if g.Name == DefaultName && g.CreatedAt.IsZero() {
			stored, err = s.st.CreateXRayGroup(ctx, g, 0) // Default's first change stores it
		} else {
			stored, err = s.st.UpdateXRayGroup(ctx, g)
		}
		if (errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrNotFound)) && attempt < 2 {
			continue // changed meanwhile: read it again
		}
		if err != nil {
			return Group{}, err
		}
		return s.view(stored), nil
	}
}
