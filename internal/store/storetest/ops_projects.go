package storetest

import (
	"lookout/internal/model"
)

// Steps on store.ProjectStore.

type projectName struct{ Name string }

func init() {
	register(map[string]op{
		"CreateProject": metaOp(func(e *env, in projectName) (any, error) {
			return e.meta.CreateProject(e.ctx, in.Name)
		}),
		"Project": metaOp(func(e *env, in projectName) (any, error) {
			return e.meta.Project(e.ctx, in.Name)
		}),
		"Projects": metaOp(func(e *env, _ struct{}) (any, error) {
			return e.meta.Projects(e.ctx)
		}),
		"CreateToken": metaOp(func(e *env, tok model.AccessToken) (any, error) {
			return nil, e.meta.CreateToken(e.ctx, tok)
		}),
		"TokenByHash": metaOp(func(e *env, in struct{ Hash string }) (any, error) {
			return e.meta.TokenByHash(e.ctx, in.Hash)
		}),
		"TokenCount": metaOp(func(e *env, _ struct{}) (any, error) {
			return e.meta.TokenCount(e.ctx)
		}),
	})
}
