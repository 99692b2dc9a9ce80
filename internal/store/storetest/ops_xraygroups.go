package storetest

import "lookout/internal/store"

// Steps on store.XRayGroups. A group is written and answered as
// store.XRayGroup's fields.

func init() {
	register(map[string]op{
		"CreateXRayGroup": metaOp(func(e *env, in struct {
			Group store.XRayGroup
			Max   int
		}) (any, error) {
			return e.meta.CreateXRayGroup(e.ctx, in.Group, in.Max)
		}),
		"XRayGroup": metaOp(func(e *env, in struct{ Project, Name string }) (any, error) {
			return e.meta.XRayGroup(e.ctx, in.Project, in.Name)
		}),
		"XRayGroups": metaOp(func(e *env, in struct{ Project string }) (any, error) {
			return e.meta.XRayGroups(e.ctx, in.Project)
		}),
		"UpdateXRayGroup": metaOp(func(e *env, in struct{ Group store.XRayGroup }) (any, error) {
			return e.meta.UpdateXRayGroup(e.ctx, in.Group)
		}),
		"DeleteXRayGroup": metaOp(func(e *env, in struct{ Project, Name, ID string }) (any, error) {
			return nil, e.meta.DeleteXRayGroup(e.ctx, in.Project, in.Name, in.ID)
		}),
	})
}
