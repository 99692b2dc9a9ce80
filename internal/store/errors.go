package store

import (
	"context"
	"time"

	"lookout/internal/model"
)

// ObserveFunc applies one occurrence to its item (errortrack.Observe): it
// gets a zero Item when the occurrence opens a new one.
type ObserveFunc func(it *model.Item, occ *model.ErrorOccurrence)

// Recorded is the outcome of one RecordOccurrences entry.
type Recorded struct {
	OccurrenceID int64
	ItemID       int64
	// Duplicate: its uuid was already stored (or came earlier in the
	// batch), nothing was written, and the IDs are those of the stored one.
	Duplicate bool
}

// ErrorWriter keeps error occurrences and their items.
type ErrorWriter interface {
	// RecordOccurrences commits occs in ONE transaction and only returns nil
	// once it is durable. For each occurrence, in order: when its project
	// already holds an occurrence with the same non-empty UUID it is skipped
	// (Duplicate); otherwise it gets an ID, the item of (Project,
	// Fingerprint) is loaded (or a new Item, which first gets an ID, its
	// project's ID as ProjectID and the project's next Counter), observe
	// updates it, and both are written.
	// On error nothing is committed. Writes are serialised by the store.
	RecordOccurrences(ctx context.Context, occs []*model.ErrorOccurrence, observe ObserveFunc) ([]Recorded, error)
	// UpdateItem loads the item, lets edit change it and commits the result
	// atomically; an error from edit aborts without change and is returned
	// as is. ErrNotFound when the item does not exist in the project.
	UpdateItem(ctx context.Context, project string, id int64, edit func(*model.Item) error) (model.Item, error)
	// DeleteOccurrencesBefore deletes occurrences received before t, in
	// every project, and returns how many. Items keep their counters.
	DeleteOccurrencesBefore(ctx context.Context, t time.Time) (int64, error)
	// DeleteOccurrence deletes one occurrence of the project; ErrNotFound
	// when absent. Its item keeps its counts.
	DeleteOccurrence(ctx context.Context, project string, id int64) error
}

// ItemQuery selects items of one project. Empty slices mean "any".
type ItemQuery struct {
	Project      string
	Statuses     []model.ItemStatus
	Levels       []model.Level
	Environments []string // items that have seen one of them (Item.Environments)
	IDs          []int64
	Frameworks   []string // the item's Framework, whole
	Platforms    []string // the item's Platform, whole
	// TitleContains: the item's title contains every one of them, ignoring
	// case.
	TitleContains []string
	Offset        int
	Limit         int // 0 means 100
}

// ItemPage is one page of items, newest last occurrence first.
type ItemPage struct {
	Items []model.Item
	Total int64 // items matching the query, all pages
	// LevelCounts counts, per level, the items matching the query's other
	// conditions with the level filter left out: the UI shows how many items
	// a level filter hides.
	LevelCounts map[model.Level]int64
}

// ErrorReader answers questions about error items and occurrences.
type ErrorReader interface {
	Items(ctx context.Context, q ItemQuery) (ItemPage, error)
	// Item returns one item; ErrNotFound when the project has no such id.
	Item(ctx context.Context, project string, id int64) (model.Item, error)
	// ItemByCounter returns the project's item with that counter.
	ItemByCounter(ctx context.Context, project string, counter int64) (model.Item, error)
	// Occurrences returns an item's occurrences, newest (highest id)
	// first; itemID 0 means every item of the project.
	Occurrences(ctx context.Context, project string, itemID int64, offset, limit int) ([]model.ErrorOccurrence, error)
	// Occurrence returns one occurrence; ErrNotFound when absent.
	Occurrence(ctx context.Context, project string, id int64) (model.ErrorOccurrence, error)
	// OccurrencesByTrace returns the project's occurrences linked to a
	// trace, oldest first, at most limit.
	OccurrencesByTrace(ctx context.Context, project string, trace model.TraceID, limit int) ([]model.ErrorOccurrence, error)
	// RecentCounts counts, for each of the project's items in ids, the
	// stored occurrences whose timestamp is at or after each of since:
	// counts[id][k] is the count since since[k]. Items without any such
	// occurrence are absent (zeros). Only retained occurrences count.
	RecentCounts(ctx context.Context, project string, ids []int64, since []time.Time) (map[int64][]int64, error)
	// Environments lists, sorted and once each, the environments the
	// project's items have seen and its deploys went to.
	Environments(ctx context.Context, project string) ([]string, error)
}

// ProjectStore keeps projects and their hashed access tokens. The project
// model.DefaultProject always exists.
type ProjectStore interface {
	// CreateProject adds a project; ErrExists when the name is taken.
	CreateProject(ctx context.Context, name string) (model.Project, error)
	// Project looks a project up by name; ErrNotFound when absent.
	Project(ctx context.Context, name string) (model.Project, error)
	Projects(ctx context.Context) ([]model.Project, error)
	// CreateToken stores a token (by hash) for an existing project;
	// ErrNotFound when the project does not exist.
	CreateToken(ctx context.Context, t model.AccessToken) error
	// TokenByHash finds a token by its hash; ErrNotFound when absent.
	TokenByHash(ctx context.Context, hash string) (model.AccessToken, error)
	// TokenCount counts the stored tokens of every project.
	TokenCount(ctx context.Context) (int64, error)
}

// ErrorStore is everything error tracking needs from a metadata store.
type ErrorStore interface {
	ErrorWriter
	ErrorReader
	ErrorReports
	DeployStore
	ProjectStore
}
