package otlpconv

import (
	"bytes"
	"math"

	"lookout/internal/model"
)

// grouper finds the output group of a resource and scope when converting back
// to OTLP. Consecutive items usually share both, so the last group is tried
// first; otherwise groups are scanned in order of first appearance.
type grouper[R, S any] struct {
	resources []*resourceGroup[R, S]
	last      *scopeGroup[S]
	lastRes   *resourceGroup[R, S]
}

type resourceGroup[R, S any] struct {
	res    *model.Resource
	out    R
	scopes []*scopeGroup[S]
}

type scopeGroup[S any] struct {
	scope *model.Scope
	out   S
}

// find returns the scope group for (res, scope), creating the resource group
// with newRes and the scope group with newScope when they do not exist yet.
func (g *grouper[R, S]) find(res *model.Resource, scope *model.Scope, newRes func() R, newScope func(R) S) S {
	if g.last != nil && sameResource(g.lastRes.res, res) && sameScope(g.last.scope, scope) {
		return g.last.out
	}
	var rg *resourceGroup[R, S]
	for _, r := range g.resources {
		if sameResource(r.res, res) {
			rg = r
			break
		}
	}
	if rg == nil {
		rg = &resourceGroup[R, S]{res: res, out: newRes()}
		g.resources = append(g.resources, rg)
	}
	var sg *scopeGroup[S]
	for _, s := range rg.scopes {
		if sameScope(s.scope, scope) {
			sg = s
			break
		}
	}
	if sg == nil {
		sg = &scopeGroup[S]{scope: scope, out: newScope(rg.out)}
		rg.scopes = append(rg.scopes, sg)
	}
	g.last, g.lastRes = sg, rg
	return sg.out
}

func sameResource(a, b *model.Resource) bool {
	return a.SchemaURL == b.SchemaURL && a.DroppedAttributesCount == b.DroppedAttributesCount &&
		sameAttrs(a.Attributes, b.Attributes)
}

func sameScope(a, b *model.Scope) bool {
	return a.Name == b.Name && a.Version == b.Version && a.SchemaURL == b.SchemaURL &&
		a.DroppedAttributesCount == b.DroppedAttributesCount && sameAttrs(a.Attributes, b.Attributes)
}

// sameAttrs compares lists in order. Lists converted from one OTLP resource
// share their backing array, which makes the common case a pointer compare.
func sameAttrs(a, b []model.KeyValue) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	for i := range a {
		if a[i].Key != b[i].Key || !sameValue(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

// sameValue compares bit for bit, so NaN equals NaN and -0 differs from 0.
func sameValue(a, b model.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case model.KindString:
		return a.Str == b.Str
	case model.KindBool:
		return a.Bool == b.Bool
	case model.KindInt:
		return a.Int == b.Int
	case model.KindDouble:
		return math.Float64bits(a.Double) == math.Float64bits(b.Double)
	case model.KindBytes:
		return bytes.Equal(a.Bytes, b.Bytes)
	case model.KindArray:
		if len(a.Array) != len(b.Array) {
			return false
		}
		for i := range a.Array {
			if !sameValue(a.Array[i], b.Array[i]) {
				return false
			}
		}
		return true
	case model.KindMap:
		return sameAttrs(a.Map, b.Map)
	}
	return true
}
