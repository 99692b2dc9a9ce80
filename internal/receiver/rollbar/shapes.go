package rollbar

import (
	"time"

	"lookout/internal/model"
	"lookout/internal/receiver/rollbar/wire"
)

// itemJSON is an item in Rollbar's read-API shape, plus Lookout's
// environments, notifier_level, activating_deploy and recent counts
// (occurrences whose timestamp falls in the last hour and the last 24
// hours, counted at read time from the stored occurrences).
type itemJSON struct {
	ID                       int64    `json:"id"`
	ProjectID                int64    `json:"project_id"`
	Counter                  int64    `json:"counter"`
	Environment              string   `json:"environment"`
	Environments             []string `json:"environments"`
	Platform                 string   `json:"platform"`
	Framework                string   `json:"framework"`
	Hash                     string   `json:"hash"`
	Title                    string   `json:"title"`
	Level                    string   `json:"level"`
	Status                   string   `json:"status"`
	FirstOccurrenceID        int64    `json:"first_occurrence_id"`
	FirstOccurrenceTimestamp *int64   `json:"first_occurrence_timestamp"`
	LastOccurrenceID         int64    `json:"last_occurrence_id"`
	LastOccurrenceTimestamp  *int64   `json:"last_occurrence_timestamp"`
	TotalOccurrences         int64    `json:"total_occurrences"`
	OccurrencesLastHour      int64    `json:"occurrences_last_hour"`
	OccurrencesLast24h       int64    `json:"occurrences_last_24h"`
	UniqueOccurrences        *int64   `json:"unique_occurrences"`
	LastActivatedTimestamp   *int64   `json:"last_activated_timestamp"`
	LastResolvedTimestamp    *int64   `json:"last_resolved_timestamp"`
	ResolvedInVersion        *string  `json:"resolved_in_version"`
	ActivatingOccurrenceID   int64    `json:"activating_occurrence_id"`
	AssignedUserID           *int64   `json:"assigned_user_id"`
	LevelLock                int      `json:"level_lock"`
	TitleLock                int      `json:"title_lock"`
	IntegrationsData         any      `json:"integrations_data"`
	NotifierLevel            *string  `json:"notifier_level"`
	// ActivatingDeploy is the deploy to the item's environment that last
	// started before the item opened or was last reactivated.
	ActivatingDeploy *wire.Deploy `json:"activating_deploy"`
}

// recentWindows are the spans of itemJSON's recent counts, in the order
// fillRecent reads them.
var recentWindows = []time.Duration{time.Hour, 24 * time.Hour}

// fillRecent sets an item's recent counts from counts (one per
// recentWindows entry, nil for none).
func (j *itemJSON) fillRecent(counts []int64) {
	if len(counts) == len(recentWindows) {
		j.OccurrencesLastHour, j.OccurrencesLast24h = counts[0], counts[1]
	}
}

func toItemJSON(it model.Item) itemJSON {
	out := itemJSON{
		ID: it.ID, ProjectID: it.ProjectID, Counter: it.Counter, Environment: it.Environment,
		Environments: it.Environments, Platform: it.Platform, Framework: it.Framework,
		Hash: it.Fingerprint, Title: it.Title, Level: it.Level.String(), Status: string(it.Status),
		FirstOccurrenceID: it.FirstOccurrenceID, FirstOccurrenceTimestamp: wire.Unix(it.FirstSeen),
		LastOccurrenceID: it.LastOccurrenceID, LastOccurrenceTimestamp: wire.Unix(it.LastSeen),
		TotalOccurrences: it.TotalOccurrences, LastActivatedTimestamp: wire.Unix(it.LastActivated),
		LastResolvedTimestamp: wire.Unix(it.LastResolved), ActivatingOccurrenceID: it.ActivatingOccurrenceID,
		LevelLock: b2i(it.LevelLock), TitleLock: b2i(it.TitleLock),
	}
	if out.Environments == nil {
		out.Environments = []string{}
	}
	if it.ResolvedInVersion != "" {
		v := it.ResolvedInVersion
		out.ResolvedInVersion = &v
	}
	if it.NotifierLevel != "" {
		v := it.NotifierLevel
		out.NotifierLevel = &v
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
