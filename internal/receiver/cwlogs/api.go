package cwlogs

import (
	"encoding/json"
	"net/http"

	"lookout/internal/identity"
	"lookout/internal/store"
)

// groupSummary is one row of the Lookout-specific group listing.
type groupSummary struct {
	Name            string `json:"name"`
	CreationTime    int64  `json:"creationTime"`
	RetentionInDays int    `json:"retentionInDays,omitempty"`
	StoredBytes     int64  `json:"storedBytes"`
	Warning         string `json:"warning,omitempty"`
}

// GroupsHandler serves GET /api/cwlogs/groups for the UI: every log group
// of the caller's project with its stored bytes, and a warning on groups
// that keep their events forever (no retention policy).
func (h *Handler) GroupsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project := identity.Project(r.Context()) // granted by the gate of Lookout's API
		groups, err := h.b.Meta.ListLogGroups(r.Context(), store.LogGroupList{Project: project})
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			h.log.Error("cwlogs: list groups", "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "listing log groups failed"})
			return
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
		_ = json.NewEncoder(w).Encode(out)
	})
}
