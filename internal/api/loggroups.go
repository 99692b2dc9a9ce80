package api

import (
	"context"
	"net/http"

	"lookout/internal/store"
)

// LogGroupLister lists CloudWatch Logs groups; store.LogGroups
// implementations satisfy it.
type LogGroupLister interface {
	ListLogGroups(ctx context.Context, q store.LogGroupList) ([]store.LogGroup, error)
}

// groupSummary is one row of GET /api/cwlogs/groups.
type groupSummary struct {
	Name            string `json:"name"`
	CreationTime    int64  `json:"creationTime"`
	RetentionInDays int    `json:"retentionInDays,omitempty"`
	StoredBytes     int64  `json:"storedBytes"`
	Warning         string `json:"warning,omitempty"`
}

// logGroups serves GET /api/cwlogs/groups for the UI: {"groups":[...]},
// every log group of the project with its stored bytes, and a warning on
// groups that keep their events forever (no retention policy).
func (a *API) logGroups(w http.ResponseWriter, r *http.Request) error {
	groups, err := a.cfg.LogGroups.ListLogGroups(r.Context(), store.LogGroupList{Project: a.project(r)})
	if err != nil {
		a.log.Error("list log groups", "err", err)
		return &httpError{status: http.StatusInternalServerError, msg: "listing log groups failed"}
	}
	out := struct {
		Groups []groupSummary `json:"groups"`
	}{Groups: []groupSummary{}}
	for _, g := range groups {
		s := groupSummary{Name: g.Name, CreationTime: g.CreationMillis, RetentionInDays: g.RetentionDays, StoredBytes: g.StoredBytes}
		if g.RetentionDays == 0 {
			s.Warning = "no retention policy: events are kept until the store's own retention or disk budget drops them"
		}
		out.Groups = append(out.Groups, s)
	}
	return writeJSON(w, http.StatusOK, out)
}
