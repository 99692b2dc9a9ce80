package store

import "time"

// DamagedFile is a data file a store found unreadable and set aside: it
// is kept under a new name for inspection or recovery, and the store
// carries on without it.
type DamagedFile struct {
	Path    string    `json:"path"`    // where it was
	MovedTo string    `json:"movedTo"` // where it is now
	Reason  string    `json:"reason"`  // what was wrong with it
	At      time.Time `json:"at"`
}

// DamageReporter is implemented by stores that set damaged files aside.
type DamageReporter interface {
	// DamagedFiles lists the files set aside since the store was opened.
	DamagedFiles() []DamagedFile
}
