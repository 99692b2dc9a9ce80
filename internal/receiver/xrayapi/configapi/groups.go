// Package configapi serves the X-Ray operations that configure an account
// rather than read traces, in the REST-JSON shapes of the AWS SDKs: groups
// (CreateGroup, GetGroup, GetGroups, UpdateGroup, DeleteGroup, over
// internal/xraygroups), the tags of groups and sampling rules
// (TagResource, UntagResource, ListTagsForResource), the daemon's
// PutTelemetryRecords (kept by internal/xraydaemon) and
// Get/PutEncryptionConfig. It decodes requests, calls its backends and
// renders the answer or the error.
package configapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
	"lookout/internal/store"
	"lookout/internal/xraygroups"
)

// Paths of the X-Ray group operations (restJson1, all POST).
const (
	CreateGroupPath = "/CreateGroup"
	GetGroupPath    = "/GetGroup"
	GetGroupsPath   = "/Groups"
	UpdateGroupPath = "/UpdateGroup"
	DeleteGroupPath = "/DeleteGroup"
)

// Groups keeps the groups the group operations manage.
// *xraygroups.Service implements it; its *xraygroups.Error refusals become
// InvalidRequestException, as X-Ray's model declares for every group
// operation.
type Groups interface {
	Create(ctx context.Context, project string, in xraygroups.Create) (xraygroups.Group, error)
	Get(ctx context.Context, project string, ref xraygroups.Ref) (xraygroups.Group, error)
	List(ctx context.Context, project string) ([]xraygroups.Group, error)
	Update(ctx context.Context, project string, ref xraygroups.Ref, u xraygroups.Update) (xraygroups.Group, error)
	Delete(ctx context.Context, project string, ref xraygroups.Ref) error
}

// GroupsConfig configures the group operations.
type GroupsConfig struct {
	// Project maps a request to its project; nil: model.DefaultProject.
	Project func(*http.Request) string
	Logger  *slog.Logger // nil: slog.Default()
}

// DefaultGroupsConfig returns the defaults documented on GroupsConfig.
func DefaultGroupsConfig() GroupsConfig { return GroupsConfig{} }

// Validate reports the first invalid field; every value is valid.
func (c GroupsConfig) Validate() error { return nil }

// GroupsAPI serves CreateGroup, GetGroup, GetGroups, UpdateGroup and
// DeleteGroup in the REST-JSON shapes of the AWS SDKs. Safe for concurrent
// use.
type GroupsAPI struct {
	cfg GroupsConfig
	g   Groups
	log *slog.Logger
}

// NewGroupsAPI builds the group operations over g.
func NewGroupsAPI(cfg GroupsConfig, g Groups) (*GroupsAPI, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if g == nil {
		return nil, errors.New("xray groups api: nil groups")
	}
	a := &GroupsAPI{cfg: cfg, g: g, log: cfg.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	return a, nil
}

// Register mounts the five operations (POST only) on mux.
func (a *GroupsAPI) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+CreateGroupPath, a.create)
	mux.HandleFunc("POST "+GetGroupPath, a.get)
	mux.HandleFunc("POST "+GetGroupsPath, a.list)
	mux.HandleFunc("POST "+UpdateGroupPath, a.update)
	mux.HandleFunc("POST "+DeleteGroupPath, a.delete)
}

func (a *GroupsAPI) project(r *http.Request) string {
	if a.cfg.Project != nil {
		return a.cfg.Project(r)
	}
	return model.DefaultProject
}

// insightsJSON is InsightsConfiguration, as sent and as answered.
type insightsJSON struct {
	InsightsEnabled      *bool
	NotificationsEnabled *bool
}

func (in *insightsJSON) insights() *xraygroups.Insights {
	if in == nil {
		return nil
	}
	return &xraygroups.Insights{InsightsEnabled: in.InsightsEnabled, NotificationsEnabled: in.NotificationsEnabled}
}

// groupJSON is a Group (and a GroupSummary) as answered.
type groupJSON struct {
	GroupName             string
	GroupARN              string
	FilterExpression      string `json:",omitempty"`
	InsightsConfiguration insightsJSON
}

func groupOut(g xraygroups.Group) groupJSON {
	return groupJSON{GroupName: g.Name, GroupARN: g.ARN, FilterExpression: g.FilterExpression,
		InsightsConfiguration: insightsJSON{InsightsEnabled: &g.InsightsEnabled, NotificationsEnabled: &g.NotificationsEnabled}}
}

// refJSON names a group: GroupName, GroupARN or both.
type refJSON struct {
	GroupName *string
	GroupARN  *string
}

func (r refJSON) ref() xraygroups.Ref { return xraygroups.Ref{Name: r.GroupName, ARN: r.GroupARN} }

func (a *GroupsAPI) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		GroupName             *string
		FilterExpression      *string
		InsightsConfiguration *insightsJSON
		Tags                  []struct{ Key, Value *string }
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	tags := make([]store.ResourceTag, len(in.Tags))
	for i, t := range in.Tags {
		if t.Key == nil || t.Value == nil {
			restjson.Invalid(w, "Tags[%d]: Key and Value are required", i)
			return
		}
		tags[i] = store.ResourceTag{Key: *t.Key, Value: *t.Value}
	}
	g, err := a.g.Create(r.Context(), a.project(r), xraygroups.Create{Name: in.GroupName,
		FilterExpression: in.FilterExpression, Insights: in.InsightsConfiguration.insights(), Tags: tags})
	if err != nil {
		a.fail(w, r, "CreateGroup", err)
		return
	}
	restjson.Write(w, map[string]any{"Group": groupOut(g)})
}

func (a *GroupsAPI) get(w http.ResponseWriter, r *http.Request) {
	var in refJSON
	if !restjson.Decode(w, r, &in) {
		return
	}
	g, err := a.g.Get(r.Context(), a.project(r), in.ref())
	if err != nil {
		a.fail(w, r, "GetGroup", err)
		return
	}
	restjson.Write(w, map[string]any{"Group": groupOut(g)})
}

// list answers every group in one page: a project has few (X-Ray allows
// 25), so no NextToken is ever issued, and one sent is refused.
func (a *GroupsAPI) list(w http.ResponseWriter, r *http.Request) {
	var in struct{ NextToken *string }
	if !restjson.Decode(w, r, &in) {
		return
	}
	if in.NextToken != nil && *in.NextToken != "" {
		restjson.Invalid(w, "NextToken is not one this API returned")
		return
	}
	gs, err := a.g.List(r.Context(), a.project(r))
	if err != nil {
		a.fail(w, r, "GetGroups", err)
		return
	}
	out := make([]groupJSON, len(gs))
	for i, g := range gs {
		out[i] = groupOut(g)
	}
	restjson.Write(w, map[string]any{"Groups": out})
}

func (a *GroupsAPI) update(w http.ResponseWriter, r *http.Request) {
	var in struct {
		refJSON
		FilterExpression      *string
		InsightsConfiguration *insightsJSON
	}
	if !restjson.Decode(w, r, &in) {
		return
	}
	g, err := a.g.Update(r.Context(), a.project(r), in.ref(),
		xraygroups.Update{FilterExpression: in.FilterExpression, Insights: in.InsightsConfiguration.insights()})
	if err != nil {
		a.fail(w, r, "UpdateGroup", err)
		return
	}
	restjson.Write(w, map[string]any{"Group": groupOut(g)})
}

func (a *GroupsAPI) delete(w http.ResponseWriter, r *http.Request) {
	var in refJSON
	if !restjson.Decode(w, r, &in) {
		return
	}
	if err := a.g.Delete(r.Context(), a.project(r), in.ref()); err != nil {
		a.fail(w, r, "DeleteGroup", err)
		return
	}
	restjson.Write(w, struct{}{})
}

// fail answers err: a refusal as InvalidRequestException, anything else as
// InternalFailure.
func (a *GroupsAPI) fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	var ge *xraygroups.Error
	switch {
	case errors.As(err, &ge):
		restjson.WriteError(w, http.StatusBadRequest, "InvalidRequestException", ge.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
	default:
		a.log.Error("x-ray groups api", "op", op, "err", err)
		restjson.WriteError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
	}
}
