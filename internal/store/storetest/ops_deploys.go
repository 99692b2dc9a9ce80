package storetest

import (
	"encoding/json"
	"fmt"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Steps on store.DeployStore and store.ErrorReports, and the error
// reader's and writer's smaller calls.

type projectID struct {
	Project string
	ID      int64
}

func init() {
	register(map[string]op{
		"CreateDeploy": metaOp(func(e *env, d model.Deploy) (any, error) {
			return e.meta.CreateDeploy(e.ctx, d)
		}),
		"Deploy": metaOp(func(e *env, in projectID) (any, error) {
			return e.meta.Deploy(e.ctx, in.Project, in.ID)
		}),
		"Deploys": metaOp(func(e *env, in struct {
			Project       string
			Offset, Limit int
		}) (any, error) {
			return e.meta.Deploys(e.ctx, in.Project, in.Offset, in.Limit)
		}),
		// UpdateDeploy's edit overwrites the fields of Set (decoded onto
		// the deploy); with Fail it then returns the case's edit error.
		"UpdateDeploy": metaOp(func(e *env, in struct {
			Project string
			ID      int64
			Set     json.RawMessage
			Fail    bool
		}) (any, error) {
			return e.meta.UpdateDeploy(e.ctx, in.Project, in.ID, func(d *model.Deploy) error {
				if in.Set != nil {
					if err := decodeStrict(in.Set, d); err != nil {
						return fmt.Errorf("edit: %w", err)
					}
				}
				if in.Fail {
					return e.editErr
				}
				return nil
			})
		}),
		"ActivatingDeploys": metaOp(func(e *env, in struct {
			Project string
			IDs     []int64
		}) (any, error) {
			return e.meta.ActivatingDeploys(e.ctx, in.Project, in.IDs)
		}),
		"OccurrenceCounts": metaOp(func(e *env, q store.CountQuery) (any, error) {
			return e.meta.OccurrenceCounts(e.ctx, q)
		}),
		"ActivatedCounts": metaOp(func(e *env, q store.CountQuery) (any, error) {
			return e.meta.ActivatedCounts(e.ctx, q)
		}),
		"TopItems": metaOp(func(e *env, in struct {
			store.CountQuery
			Limit int
		}) (any, error) {
			return e.meta.TopItems(e.ctx, in.CountQuery, in.Limit)
		}),
		"Environments": metaOp(func(e *env, in struct{ Project string }) (any, error) {
			return e.meta.Environments(e.ctx, in.Project)
		}),
		"DeleteOccurrence": metaOp(func(e *env, in projectID) (any, error) {
			return nil, e.meta.DeleteOccurrence(e.ctx, in.Project, in.ID)
		}),
	})
}
