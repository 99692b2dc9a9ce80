package xrayread

import (
	"context"
	"time"

	"lookout/internal/query/xrayfilter"
	"lookout/internal/xraygroups"
)

// Groups turns X-Ray groups into filters. *xraygroups.Service implements
// it; a request naming a group that does not exist fails with its
// *xraygroups.Error.
type Groups interface {
	// Filter is the filter of the group ref names; nil when it holds every
	// trace.
	Filter(ctx context.Context, project string, ref xraygroups.Ref) (xrayfilter.Expr, error)
	// Resolve replaces the group comparisons of e with the groups' filters.
	Resolve(ctx context.Context, project string, e xrayfilter.Expr) (xrayfilter.Expr, error)
}

// GraphQuery asks for a service graph (GetServiceGraph).
type GraphQuery struct {
	// Start and End select the traces with a span starting in [Start, End).
	Start, End time.Time
	// Group, when set, keeps the traces of that group (GroupName or
	// GroupARN).
	Group *xraygroups.Ref
}

// noGroups refuses a request that names a group when the service has none.
func noGroups() error { return &xraygroups.Error{Msg: "X-Ray groups are not available here"} }

// resolveGroups replaces the group comparisons of filter (nil: none).
func (s *Service) resolveGroups(ctx context.Context, project string, filter xrayfilter.Expr) (xrayfilter.Expr, error) {
	if filter == nil || !xrayfilter.HasGroups(filter) {
		return filter, nil
	}
	if s.cfg.Groups == nil {
		return nil, noGroups()
	}
	return s.cfg.Groups.Resolve(ctx, project, filter)
}

// groupFilter is the filter of the group ref names; nil without one.
func (s *Service) groupFilter(ctx context.Context, project string, ref *xraygroups.Ref) (xrayfilter.Expr, error) {
	if ref == nil {
		return nil, nil
	}
	if s.cfg.Groups == nil {
		return nil, noGroups()
	}
	return s.cfg.Groups.Filter(ctx, project, *ref)
}
