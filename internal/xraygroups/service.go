package xraygroups

import (
	"context"
	"errors"
	"slices"

	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
)

// implicitDefault is Default as it is until its insights settings change.
func implicitDefault(project string) store.XRayGroup {
	return store.XRayGroup{Project: project, Name: DefaultName}
}

// Create adds a group to the project (CreateGroup) and returns it once
// stored. Refusals: a missing, malformed or reserved name, an invalid filter
// expression, insights or tags (*Error); a taken name (ErrGroupExists); a
// project holding Config.MaxGroups groups besides Default (ErrLimit).
func (s *Service) Create(ctx context.Context, project string, in Create) (Group, error) {
	if in.Name == nil {
		return Group{}, refuse(nil, "GroupName is required")
	}
	name := *in.Name
	if err := checkName(name, "GroupName"); err != nil {
		return Group{}, err
	}
	if name == DefaultName {
		return Group{}, refuse(ErrGroupExists, "GroupName %q is reserved: every project has that group", name)
	}
	g := store.XRayGroup{Project: project, Name: name, ID: s.cfg.NewID(), Tags: slices.Clone(in.Tags)}
	if in.FilterExpression != nil {
		if _, err := parseFilter(*in.FilterExpression); err != nil {
			return Group{}, err
		}
		g.FilterExpression = *in.FilterExpression
	}
	if err := applyInsights(&g, in.Insights); err != nil {
		return Group{}, err
	}
	if err := checkTags(g.Tags); err != nil {
		return Group{}, err
	}
	max := s.cfg.MaxGroups
	switch _, err := s.st.XRayGroup(ctx, project, DefaultName); {
	case err == nil:
		max++ // a stored Default does not count
	case !errors.Is(err, store.ErrNotFound):
		return Group{}, err
	}
	stored, err := s.st.CreateXRayGroup(ctx, g, max)
	switch {
	case errors.Is(err, store.ErrExists):
		return Group{}, refuse(ErrGroupExists, "GroupName %q: a group of that name already exists", name)
	case errors.Is(err, store.ErrLimit):
		return Group{}, refuse(ErrLimit, "GroupName %q: the project has %d groups besides Default, the most allowed",
			name, s.cfg.MaxGroups)
	case err != nil:
		return Group{}, err
	}
	return s.view(stored), nil
}

// find returns the group ref names: ErrNoGroup when there is none, or when
// the ARN's id is not the group's (it was deleted and created again).
func (s *Service) find(ctx context.Context, project string, ref Ref) (store.XRayGroup, error) {
	t, err := resolveRef(ref)
	if err != nil {
		return store.XRayGroup{}, err
	}
	g, err := s.st.XRayGroup(ctx, project, t.name)
	switch {
	case errors.Is(err, store.ErrNotFound) && t.name == DefaultName:
		g, err = implicitDefault(project), nil
	case errors.Is(err, store.ErrNotFound):
		return g, refuse(ErrNoGroup, "%s: no such group", t.label)
	case err != nil:
		return g, err
	}
	if t.byARN && t.id != g.ID {
		return g, refuse(ErrNoGroup, "%s: no such group", t.label)
	}
	return g, nil
}

// Get returns the group ref names (GetGroup).
func (s *Service) Get(ctx context.Context, project string, ref Ref) (Group, error) {
	g, err := s.find(ctx, project, ref)
	if err != nil {
		return Group{}, err
	}
	return s.view(g), nil
}

// List returns the project's groups (GetGroups): Default first, then by
// name.
func (s *Service) List(ctx context.Context, project string) ([]Group, error) {
	stored, err := s.st.XRayGroups(ctx, project)
	if err != nil {
		return nil, err
	}
	def := implicitDefault(project)
	out := make([]Group, 1, len(stored)+1)
	for _, g := range stored {
		if g.Name == DefaultName {
			def = g
			continue
		}
		out = append(out, s.view(g))
	}
	out[0] = s.view(def)
	return out, nil
}

// Update changes the group ref names (UpdateGroup) and returns it once
// stored. Default's filter expression cannot change (ErrDefaultGroup); its
// insights settings can.
func (s *Service) Update(ctx context.Context, project string, ref Ref, u Update) (Group, error) {
	for attempt := 0; ; attempt++ {
		g, err := s.find(ctx, project, ref)
		if err != nil {
			return Group{}, err
		}
		if u.FilterExpression != nil {
			if g.Name == DefaultName && *u.FilterExpression != "" {
				return Group{}, refuse(ErrDefaultGroup, "FilterExpression: the Default group holds every trace; its filter expression cannot be set")
			}
			if _, err := parseFilter(*u.FilterExpression); err != nil {
				return Group{}, err
			}
			g.FilterExpression = *u.FilterExpression
		}
		if err := applyInsights(&g, u.Insights); err != nil {
			return Group{}, err
		}
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

// Delete removes the group ref names (DeleteGroup). Default cannot be
// deleted (ErrDefaultGroup).
func (s *Service) Delete(ctx context.Context, project string, ref Ref) error {
	g, err := s.find(ctx, project, ref)
	if err != nil {
		return err
	}
	if g.Name == DefaultName {
		return refuse(ErrDefaultGroup, "the Default group cannot be deleted")
	}
	err = s.st.DeleteXRayGroup(ctx, project, g.Name, g.ID)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(ErrNoGroup, "GroupName %q: no such group", g.Name)
	}
	return err
}

// Filter returns the filter of the group ref names: its parsed filter
// expression, nil when it holds every trace.
func (s *Service) Filter(ctx context.Context, project string, ref Ref) (xrayfilter.Expr, error) {
	g, err := s.find(ctx, project, ref)
	if err != nil {
		return nil, err
	}
	e, err := parseFilter(g.FilterExpression)
	if err != nil {
		// Stored before the parser changed: say which group it is.
		return nil, refuse(nil, "group %q: %v", g.Name, err)
	}
	return e, nil
}

// Resolve replaces the group.name and group.arn comparisons of e with the
// filters of the groups they name (xrayfilter.Resolve); e itself when it
// names none. A group that does not exist is refused (ErrNoGroup).
func (s *Service) Resolve(ctx context.Context, project string, e xrayfilter.Expr) (xrayfilter.Expr, error) {
	if e == nil || !xrayfilter.HasGroups(e) {
		return e, nil
	}
	return xrayfilter.Resolve(e, func(key, value string) (xrayfilter.Expr, error) {
		ref := Ref{Name: &value}
		if key == xrayfilter.GroupARN {
			ref = Ref{ARN: &value}
		}
		f, err := s.Filter(ctx, project, ref)
		var re *Error
		if errors.As(err, &re) {
			return nil, &Error{Msg: "FilterExpression: " + key + ": " + re.Msg, Err: re.Err}
		}
		return f, err
	})
}
