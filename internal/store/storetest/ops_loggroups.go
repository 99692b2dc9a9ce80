package storetest

import (
	"lookout/internal/store"
)

// Steps on store.LogGroups. Inputs are the method's arguments as an object
// (a struct argument is given whole); answers are the method's results.

type groupKey struct {
	Project, Name string
}

type streamKey struct {
	Project, Group, Name string
}

func init() {
	register(map[string]op{
		"CreateLogGroup": metaOp(func(e *env, g store.LogGroup) (any, error) {
			return nil, e.meta.CreateLogGroup(e.ctx, g)
		}),
		"DeleteLogGroup": metaOp(func(e *env, k groupKey) (any, error) {
			return nil, e.meta.DeleteLogGroup(e.ctx, k.Project, k.Name)
		}),
		"LogGroup": metaOp(func(e *env, k groupKey) (any, error) {
			return e.meta.LogGroup(e.ctx, k.Project, k.Name)
		}),
		"ListLogGroups": metaOp(func(e *env, q store.LogGroupList) (any, error) {
			return e.meta.ListLogGroups(e.ctx, q)
		}),
		"RetainedLogGroups": metaOp(func(e *env, _ struct{}) (any, error) {
			return e.meta.RetainedLogGroups(e.ctx)
		}),
		"SetRetention": metaOp(func(e *env, in struct {
			Project, Name string
			Days          int
		}) (any, error) {
			return nil, e.meta.SetRetention(e.ctx, in.Project, in.Name, in.Days)
		}),
		"TagLogGroup": metaOp(func(e *env, in struct {
			Project, Name string
			Tags          map[string]string
		}) (any, error) {
			return nil, e.meta.TagLogGroup(e.ctx, in.Project, in.Name, in.Tags)
		}),
		"UntagLogGroup": metaOp(func(e *env, in struct {
			Project, Name string
			Keys          []string
		}) (any, error) {
			return nil, e.meta.UntagLogGroup(e.ctx, in.Project, in.Name, in.Keys)
		}),
		"CreateLogStream": metaOp(func(e *env, s store.LogStream) (any, error) {
			return nil, e.meta.CreateLogStream(e.ctx, s)
		}),
		"DeleteLogStream": metaOp(func(e *env, k streamKey) (any, error) {
			return nil, e.meta.DeleteLogStream(e.ctx, k.Project, k.Group, k.Name)
		}),
		"LogStream": metaOp(func(e *env, k streamKey) (any, error) {
			return e.meta.LogStream(e.ctx, k.Project, k.Group, k.Name)
		}),
		"ListLogStreams": metaOp(func(e *env, q store.LogStreamList) (any, error) {
			return e.meta.ListLogStreams(e.ctx, q)
		}),
		"RecordLogEvents": metaOp(func(e *env, s store.LogStream) (any, error) {
			return nil, e.meta.RecordLogEvents(e.ctx, s)
		}),
		"ResetLogStreamStats": metaOp(func(e *env, in struct {
			Project, Group string
			Stats          []store.LogStream
		}) (any, error) {
			return nil, e.meta.ResetLogStreamStats(e.ctx, in.Project, in.Group, in.Stats)
		}),
	})
}
