package otlpconv

import (
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"

	"lookout/internal/model"
)

// resourceMsg is what the messages ResourceSpans and ResourceLogs share.
type resourceMsg interface {
	GetResource() *resourcepb.Resource
	GetSchemaUrl() string
}

// scopeMsg is what the messages ScopeSpans and ScopeLogs share.
type scopeMsg interface {
	GetScope() *commonpb.InstrumentationScope
	GetSchemaUrl() string
}

// signal describes one OTLP signal: how its messages nest items (a resource
// group R holds scope groups S, which hold items P) and how an item maps to
// and from its model value M.
type signal[R resourceMsg, S scopeMsg, P, M any] struct {
	noun   string // names an item in rejection messages, e.g. "span"
	scopes func(R) []S
	items  func(S) []P
	name   func(P) string // an item's name in rejection messages
	// item starts the model value of an item of res and scope; fill
	// completes it from p, or says why p is invalid.
	item func(project string, res model.Resource, scope model.Scope) M
	fill func(m *M, p P) *problem

	// origin returns the resource and scope of a model value.
	origin func(m *M) (*model.Resource, *model.Scope)
	// newGroup makes an empty resource group; addScope adds an empty scope
	// group to one and returns it; add appends the OTLP form of m to one.
	newGroup func(res *resourcepb.Resource, schemaURL string) R
	addScope func(rg R, scope *commonpb.InstrumentationScope, schemaURL string) S
	add      func(sg S, m *M)
}

// fromProto converts every item of groups in request order, each resource
// and scope once for all their items. An item fill refuses is left out and
// listed in rejected with its position among all items, its service and the
// reason.
func fromProto[R resourceMsg, S scopeMsg, P, M any](sig signal[R, S, P, M], project string, groups []R) (out []M, rejected []Rejection) {
	n := 0
	for _, rg := range groups {
		for _, sg := range sig.scopes(rg) {
			n += len(sig.items(sg))
		}
	}
	if n == 0 {
		return nil, nil
	}
	out = make([]M, 0, n)
	index := 0
	for _, rg := range groups {
		res := resourceFromProto(rg.GetResource(), rg.GetSchemaUrl())
		for _, sg := range sig.scopes(rg) {
			scope := scopeFromProto(sg.GetScope(), sg.GetSchemaUrl())
			for _, p := range sig.items(sg) {
				out = append(out, sig.item(project, res, scope))
				if prob := sig.fill(&out[len(out)-1], p); prob != nil {
					out = out[:len(out)-1]
					rejected = append(rejected, Rejection{
						Index:   index,
						Service: res.Service(),
						Reason:  prob.reason,
						Message: describe(sig.noun, index, sig.name(p), scope.Name) + ": " + prob.msg,
					})
				}
				index++
			}
		}
	}
	return out, rejected
}

// toProto converts model values back to OTLP resource groups. Values with
// identical resources share one resource group and, within it, values with
// identical scopes one scope group; groups appear in the order of their first
// value and values keep their order within a group.
func toProto[R resourceMsg, S scopeMsg, P, M any](sig signal[R, S, P, M], values []M) []R {
	var out []R
	var g grouper[R, S]
	for i := range values {
		m := &values[i]
		res, scope := sig.origin(m)
		sg := g.find(res, scope,
			func() R {
				rg := sig.newGroup(resourceToProto(res), res.SchemaURL)
				out = append(out, rg)
				return rg
			},
			func(rg R) S { return sig.addScope(rg, scopeToProto(scope), scope.SchemaURL) })
		sig.add(sg, m)
	}
	return out
}
