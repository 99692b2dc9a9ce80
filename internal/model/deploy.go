package model

import (
	"fmt"
	"strings"
	"time"
)

// DeployStatus is where a deploy is in its run.
type DeployStatus string

const (
	DeployStarted   DeployStatus = "started"
	DeploySucceeded DeployStatus = "succeeded"
	DeployFailed    DeployStatus = "failed"
	DeployTimedOut  DeployStatus = "timed_out"
)

// ParseDeployStatus accepts the four status names.
func ParseDeployStatus(s string) (DeployStatus, error) {
	switch st := DeployStatus(strings.ToLower(s)); st {
	case DeployStarted, DeploySucceeded, DeployFailed, DeployTimedOut:
		return st, nil
	}
	return "", fmt.Errorf("status %q: want one of started, succeeded, failed, timed_out", s)
}

// Deploy is a release of a revision to an environment of a project, as a
// deploy script reports it.
type Deploy struct {
	ID              int64 // assigned by the store
	Project         string
	ProjectID       int64 // assigned by the store
	Environment     string
	Revision        string
	RollbarUsername string
	LocalUsername   string
	Comment         string
	Status          DeployStatus
	StartTime       time.Time
	FinishTime      time.Time // zero while it runs
}
