package errortrack

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"lookout/internal/model"
)

// MaxTitle is the longest item title, in runes.
const MaxTitle = 255

// MaxVersion is the longest resolved_in_version, in bytes.
const MaxVersion = 40

// Transition says what an occurrence did to its item.
type Transition struct {
	Created     bool // the occurrence opened a new item
	Reactivated bool // a resolved item became active again
}

// Observe applies occurrence occ (whose ID is already assigned) to item it.
// An item without occurrences (TotalOccurrences 0) is the new item the
// occurrence opens: Observe fills it from occ, keeping the ID, ProjectID and
// Counter the store assigned. On an
// existing item it counts the occurrence, widens first/last seen, adds the
// environment, raises the level (unless locked), fills a platform or
// framework the item lacks and reactivates a resolved
// item, unless occ's code_version is older than the item's
// resolved_in_version (see OlderVersion). Muted and archived items keep
// their status; their occurrences are counted all the same.
func Observe(it *model.Item, occ *model.ErrorOccurrence) Transition {
	if it.TotalOccurrences == 0 {
		*it = model.Item{
			ID:                     it.ID,
			ProjectID:              it.ProjectID,
			Counter:                it.Counter,
			Project:                occ.Project,
			Fingerprint:            occ.Fingerprint,
			Title:                  Truncate(occ.Title, MaxTitle),
			Level:                  occ.Level,
			Status:                 model.StatusActive,
			Environment:            occ.Environment,
			Environments:           []string{occ.Environment},
			Platform:               occ.Platform,
			Framework:              occ.Framework,
			FirstOccurrenceID:      occ.ID,
			FirstSeen:              occ.Timestamp,
			LastOccurrenceID:       occ.ID,
			LastSeen:               occ.Timestamp,
			TotalOccurrences:       1,
			LastActivated:          occ.Received,
			ActivatingOccurrenceID: occ.ID,
			NotifierLevel:          occ.NotifierLevel,
		}
		return Transition{Created: true}
	}
	it.TotalOccurrences++
	it.LastOccurrenceID = occ.ID
	if occ.Timestamp.After(it.LastSeen) {
		it.LastSeen = occ.Timestamp
	}
	if occ.Timestamp.Before(it.FirstSeen) {
		it.FirstSeen = occ.Timestamp
	}
	if !slices.Contains(it.Environments, occ.Environment) {
		it.Environments = append(it.Environments, occ.Environment)
	}
	if !it.LevelLock && occ.Level > it.Level {
		it.Level = occ.Level
	}
	if it.Title == "" && !it.TitleLock {
		it.Title = Truncate(occ.Title, MaxTitle)
	}
	if occ.NotifierLevel != "" {
		it.NotifierLevel = occ.NotifierLevel
	}
	// An item opened by a report that named no platform or framework
	// takes them from the first later one that does.
	if it.Platform == "" {
		it.Platform = occ.Platform
	}
	if it.Framework == "" {
		it.Framework = occ.Framework
	}
	if it.Status != model.StatusResolved {
		return Transition{}
	}
	if it.ResolvedInVersion != "" && OlderVersion(occ.CodeVersion, it.ResolvedInVersion) {
		return Transition{}
	}
	it.Status = model.StatusActive
	it.LastActivated = occ.Received
	it.ActivatingOccurrenceID = occ.ID
	it.ResolvedInVersion = ""
	return Transition{Reactivated: true}
}

// Patch is a user's edit of an item (PATCH /api/1/item/{id}); nil fields
// are left alone.
type Patch struct {
	Status            *string `json:"status"`
	Level             *string `json:"level"`
	Title             *string `json:"title"`
	ResolvedInVersion *string `json:"resolved_in_version"`
}

// ApplyPatch validates p and applies it to it at time now. Resolving stamps
// LastResolved; leaving "resolved" for "active" stamps LastActivated; a
// level or title edit locks that field against later occurrences. A
// resolved_in_version without status "resolved" applies only when the item
// is (or becomes) resolved. Errors name the offending field and change
// nothing.
func ApplyPatch(it *model.Item, p Patch, now time.Time) error {
	next := *it
	next.Environments = slices.Clone(it.Environments)
	if p.Status != nil {
		st, err := model.ParseItemStatus(*p.Status)
		if err != nil {
			return fmt.Errorf("status: %w", err)
		}
		if st == model.StatusResolved && it.Status != model.StatusResolved {
			next.LastResolved = now
		}
		if st == model.StatusActive && it.Status != model.StatusActive {
			next.LastActivated = now
		}
		if st != model.StatusResolved {
			next.ResolvedInVersion = ""
		}
		next.Status = st
	}
	if p.Level != nil {
		l, err := model.ParseLevel(*p.Level)
		if err != nil {
			return fmt.Errorf("level: %w", err)
		}
		next.Level, next.LevelLock = l, true
	}
	if p.Title != nil {
		n := utf8.RuneCountInString(*p.Title)
		if n < 1 || n > MaxTitle {
			return fmt.Errorf("title: want 1 to %d characters, got %d", MaxTitle, n)
		}
		next.Title, next.TitleLock = *p.Title, true
	}
	if p.ResolvedInVersion != nil {
		v := *p.ResolvedInVersion
		if len(v) > MaxVersion {
			return fmt.Errorf("resolved_in_version: want at most %d characters, got %d", MaxVersion, len(v))
		}
		if next.Status == model.StatusResolved {
			next.ResolvedInVersion = v
		}
	}
	*it = next
	return nil
}

// Truncate cuts s to at most n runes.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
