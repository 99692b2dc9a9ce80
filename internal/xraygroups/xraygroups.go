// Package xraygroups keeps X-Ray groups: named filter expressions over a
// project's traces, with their insights settings and tags, as X-Ray's
// CreateGroup, GetGroup, GetGroups, UpdateGroup and DeleteGroup manage them.
// It validates them as AWS does (names, filter expressions through
// internal/query/xrayfilter, insights, tags), keeps them in the metadata
// store (store.XRayGroups), builds and reads their ARNs, and turns a group
// into the filter it stands for, for the read operations that take a group
// (GroupName/GroupARN, group.name and group.arn in filter expressions).
// The group Default always exists: it holds every trace and is stored only
// once its insights settings change. docs/xray-api.md describes the
// operations.
package xraygroups

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"

	"lookout/internal/store"
)

// DefaultName is the name of the group every project has: every trace.
const DefaultName = "Default"

// Config configures the service.
type Config struct {
	// Region and AccountID appear in group ARNs:
	// arn:aws:xray:REGION:ACCOUNT:group/NAME/ID.
	Region, AccountID string
	// MaxGroups bounds a project's groups besides Default. Default 25, as
	// X-Ray's quota.
	MaxGroups int
	// NewID makes the id of a new group (the end of its ARN); nil: 52
	// random characters of A–Z and 2–7, as X-Ray's.
	NewID func() string
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{Region: "us-east-1", AccountID: "000000000000", MaxGroups: 25}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Region == "" || c.AccountID == "":
		return errors.New("xray groups: Region and AccountID must be set")
	case c.MaxGroups <= 0:
		return errors.New("xray groups: MaxGroups must be positive")
	}
	return nil
}

// randomID is 32 random bytes in unpadded base32: 52 characters.
func randomID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}

// Group is a group as the API shows it.
type Group struct {
	Name, ARN            string
	FilterExpression     string // "" holds every trace
	InsightsEnabled      bool
	NotificationsEnabled bool
	Tags                 []store.ResourceTag
}

// Ref names a group by name, ARN or both (they must agree); nil members
// are left out of the request.
type Ref struct {
	Name, ARN *string
}

// Insights is InsightsConfiguration as sent: nil members are left out.
type Insights struct {
	InsightsEnabled, NotificationsEnabled *bool
}

// Create is a CreateGroup request. Name is required.
type Create struct {
	Name             *string
	FilterExpression *string
	Insights         *Insights
	Tags             []store.ResourceTag
}

// Update is an UpdateGroup request: members left out (nil) stay as they
// are; an empty FilterExpression makes the group hold every trace.
type Update struct {
	FilterExpression *string
	Insights         *Insights
}

// The reasons a request is refused, wrapped in *Error.
var (
	ErrNoGroup      = errors.New("no such group")
	ErrGroupExists  = errors.New("a group of that name exists")
	ErrLimit        = errors.New("too many groups")
	ErrDefaultGroup = errors.New("the Default group cannot be changed so")
)

// Error is a request the service refuses (X-Ray answers all of them with
// InvalidRequestException); the message names the member at fault. Err, when
// set, is one of the reasons above.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

func refuse(reason error, format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: reason}
}

// Service manages each project's groups in the store. It keeps nothing in
// memory, so any number of nodes may share one store. Safe for concurrent
// use.
type Service struct {
	cfg Config
	st  store.XRayGroups
}

// New builds the service over st.
func New(cfg Config, st store.XRayGroups) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, errors.New("xray groups: nil store")
	}
	if cfg.NewID == nil {
		cfg.NewID = randomID
	}
	return &Service{cfg: cfg, st: st}, nil
}

// ARN is the ARN of the group name with id (Default's has none).
func (s *Service) ARN(name, id string) string {
	arn := "arn:aws:xray:" + s.cfg.Region + ":" + s.cfg.AccountID + ":group/" + name
	if id != "" {
		arn += "/" + id
	}
	return arn
}

// view is a stored group as the API shows it.
func (s *Service) view(g store.XRayGroup) Group {
	return Group{Name: g.Name, ARN: s.ARN(g.Name, g.ID), FilterExpression: g.FilterExpression,
		InsightsEnabled: g.InsightsEnabled, NotificationsEnabled: g.NotificationsEnabled, Tags: g.Tags}
}
