package store

import (
	"context"
	"errors"
	"time"
)

// ErrLimit is returned when a create would take a project past the number
// of objects the caller allows.
var ErrLimit = errors.New("limit reached")

// XRayGroup is an X-Ray group as kept: a named filter expression over a
// project's traces, with its insights settings and tags. The store reads
// none of it but the key (Project, Name) and ID.
type XRayGroup struct {
	Project string
	Name    string // unique within Project
	// ID is chosen by the caller at creation and never changes; a group
	// deleted and created again under its name has another one, so an old
	// reference (an ARN) to it finds nothing.
	ID                   string
	FilterExpression     string
	InsightsEnabled      bool
	NotificationsEnabled bool
	Tags                 []ResourceTag // in the order given
	CreatedAt            time.Time     // set by the store at creation
	UpdatedAt            time.Time     // set by the store at every write
}

// ResourceTag is a key and value attached to a resource.
type ResourceTag struct {
	Key   string
	Value string
}

// XRayGroups keeps X-Ray groups. Writes are durable when they return.
type XRayGroups interface {
	// CreateXRayGroup stores g as a new group (its CreatedAt and UpdatedAt
	// ignored) and returns it as stored. It fails with ErrExists when the
	// project has a group of that name, and with ErrLimit when max > 0 and
	// the project holds max groups already; both are checked atomically
	// with the write, also against other nodes.
	CreateXRayGroup(ctx context.Context, g XRayGroup, max int) (XRayGroup, error)
	// XRayGroup returns the project's group of that name; ErrNotFound.
	XRayGroup(ctx context.Context, project, name string) (XRayGroup, error)
	// XRayGroups lists the project's groups by name (byte-wise).
	XRayGroups(ctx context.Context, project string) ([]XRayGroup, error)
	// UpdateXRayGroup replaces the filter expression, insights settings and
	// tags of the group (g.Project, g.Name) if its ID is g.ID, and returns
	// it as stored; ErrNotFound when there is no such group.
	UpdateXRayGroup(ctx context.Context, g XRayGroup) (XRayGroup, error)
	// DeleteXRayGroup removes the project's group of that name if its ID is
	// id; ErrNotFound when there is no such group.
	DeleteXRayGroup(ctx context.Context, project, name, id string) error
}
