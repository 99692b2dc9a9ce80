package model

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Level is an error occurrence's severity, with Rollbar's numeric values so
// that a higher level compares greater.
type Level int8

const (
	LevelUnknown  Level = 0
	LevelDebug    Level = 10
	LevelInfo     Level = 20
	LevelWarning  Level = 30
	LevelError    Level = 40
	LevelCritical Level = 50
)

// Levels lists every level, highest first.
var Levels = []Level{LevelCritical, LevelError, LevelWarning, LevelInfo, LevelDebug}

// String returns the Rollbar name ("critical" … "debug"), or "" for LevelUnknown.
func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelWarning:
		return "warning"
	case LevelError:
		return "error"
	case LevelCritical:
		return "critical"
	}
	return ""
}

// ParseLevel accepts the five Rollbar names in any case, plus the aliases
// "warn" and "fatal" that logging libraries use.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return LevelDebug, nil
	case "info":
		return LevelInfo, nil
	case "warning", "warn":
		return LevelWarning, nil
	case "error":
		return LevelError, nil
	case "critical", "fatal":
		return LevelCritical, nil
	}
	return LevelUnknown, fmt.Errorf("level %q: want one of critical, error, warning, info, debug", s)
}

// ItemStatus is an item's place in its lifecycle.
type ItemStatus string

const (
	StatusActive   ItemStatus = "active"
	StatusResolved ItemStatus = "resolved"
	StatusMuted    ItemStatus = "muted"
	StatusArchived ItemStatus = "archived"
)

// ParseItemStatus accepts the four status names.
func ParseItemStatus(s string) (ItemStatus, error) {
	switch st := ItemStatus(strings.ToLower(s)); st {
	case StatusActive, StatusResolved, StatusMuted, StatusArchived:
		return st, nil
	}
	return "", fmt.Errorf("status %q: want one of active, resolved, muted, archived", s)
}

// ErrorOccurrence is one accepted error report (Rollbar: an instance). Data
// holds the payload's whole `data` object as received; the other fields are
// extracted from it for grouping, filters and links.
type ErrorOccurrence struct {
	ID          int64 // assigned by the store
	Project     string
	ItemID      int64 // assigned by the store
	UUID        string
	Fingerprint string // the grouping key (40 hex or a custom value ≤ 40)
	Timestamp   time.Time
	Received    time.Time
	Environment string
	Level       Level
	Platform    string
	Language    string
	Framework   string
	CodeVersion string
	Context     string
	Title       string // the title this occurrence proposes for its item
	Class       string // exception class of the outermost trace, if any
	Message     string // exception or message text, for display
	TraceID     TraceID
	Notifier    string // "name version"
	// NotifierLevel is the minimum level the sending notifier was configured
	// to report, when it said so: items below it were never sent.
	NotifierLevel string
	Data          json.RawMessage
}

// Item groups the occurrences of one project that share a fingerprint.
type Item struct {
	ID                     int64
	Project                string
	ProjectID              int64
	Counter                int64 // per project, from 1
	Fingerprint            string
	Title                  string
	Level                  Level // the highest seen, unless LevelLock
	Status                 ItemStatus
	Environment            string   // of the first occurrence
	Environments           []string // every environment seen
	Platform               string
	Framework              string
	FirstOccurrenceID      int64
	FirstSeen              time.Time
	LastOccurrenceID       int64
	LastSeen               time.Time
	TotalOccurrences       int64
	LastActivated          time.Time
	LastResolved           time.Time // zero: never resolved
	ResolvedInVersion      string
	ActivatingOccurrenceID int64
	LevelLock              bool
	TitleLock              bool
	NotifierLevel          string // the latest occurrence's NotifierLevel
}

// Project owns error items and access tokens.
type Project struct {
	ID      int64
	Name    string
	Created time.Time
}

// AccessToken is a stored project access token: only the hash of the
// secret is kept.
type AccessToken struct {
	Hash    string // hex SHA-256 of the token
	Project string
	Name    string
	Scopes  []string
	Created time.Time
}

// HasScope reports whether the token carries scope.
func (t AccessToken) HasScope(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}
