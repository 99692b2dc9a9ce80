package store

import (
	"context"
	"time"

	"lookout/internal/model"
)

// DeployStore keeps the deploys of projects.
type DeployStore interface {
	// CreateDeploy stores d with a new ID and its project's ID and returns
	// it as stored, once durable; ErrNotFound when the project does not
	// exist.
	CreateDeploy(ctx context.Context, d model.Deploy) (model.Deploy, error)
	// Deploy returns one deploy; ErrNotFound when the project has no such id.
	Deploy(ctx context.Context, project string, id int64) (model.Deploy, error)
	// Deploys lists a project's deploys, latest start first (then highest
	// id first).
	Deploys(ctx context.Context, project string, offset, limit int) ([]model.Deploy, error)
	// UpdateDeploy loads the deploy, lets edit change it and commits the
	// result atomically; an error from edit aborts without change and is
	// returned as is. ErrNotFound when the deploy does not exist in the
	// project. ID, Project and ProjectID are not changed.
	UpdateDeploy(ctx context.Context, project string, id int64, edit func(*model.Deploy) error) (model.Deploy, error)
	// ActivatingDeploys finds, for each of the project's items in ids, the
	// deploy its last activation came after: the project's deploy to the
	// item's Environment with the latest StartTime at or before the item's
	// LastActivated (ties: the highest id). Items without one are absent.
	ActivatingDeploys(ctx context.Context, project string, ids []int64) (map[int64]model.Deploy, error)
}

// CountQuery selects the occurrences (or item activations) of a project
// counted into Buckets consecutive buckets of width Bucket from Start.
// Empty slices and zero levels mean "any".
type CountQuery struct {
	Project      string
	Environments []string    // the occurrence's environment (activations: one of the item's)
	ItemIDs      []int64     // occurrences of these items only
	MinLevel     model.Level // the item's level, at least
	MaxLevel     model.Level // the item's level, at most
	Start        time.Time
	Bucket       time.Duration // > 0
	Buckets      int           // > 0
}

// End is the end (exclusive) of the last bucket.
func (q CountQuery) End() time.Time { return q.Start.Add(time.Duration(q.Buckets) * q.Bucket) }

// ItemCount is an item with a count of its occurrences.
type ItemCount struct {
	ItemID int64
	Count  int64
}

// ErrorReports answers the counting questions of error reports. Only
// retained occurrences count.
type ErrorReports interface {
	// OccurrenceCounts returns q.Buckets counts: counts[k] is the number of
	// occurrences whose timestamp is in [Start+k*Bucket, Start+(k+1)*Bucket).
	OccurrenceCounts(ctx context.Context, q CountQuery) ([]int64, error)
	// TopItems returns at most limit items with the most occurrences whose
	// timestamp is in [q.Start, q.End()), most first (ties: highest item
	// id first); items without any are left out.
	TopItems(ctx context.Context, q CountQuery, limit int) ([]ItemCount, error)
	// ActivatedCounts returns q.Buckets counts of items by their last
	// activation (Item.LastActivated, set when an item opens or is
	// reactivated): counts[k] is the number of items whose LastActivated
	// is in the k-th bucket. An item reactivated twice counts once, at its
	// latest activation. q.ItemIDs is ignored.
	ActivatedCounts(ctx context.Context, q CountQuery) ([]int64, error)
}
