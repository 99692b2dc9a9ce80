package errortrack

import (
	"fmt"
	"time"
	"unicode/utf8"

	"lookout/internal/model"
)

// Limits of a deploy's fields, in characters.
const (
	MaxDeployField   = 255       // environment, revision, user names
	MaxDeployComment = 64 * 1024 // comment
)

// DeployInput is a deploy as a deploy script reports it (Rollbar's POST
// /api/1/deploy). Times are Unix seconds, 0 for none.
type DeployInput struct {
	Environment     string
	Revision        string
	RollbarUsername string
	LocalUsername   string
	Comment         string
	Status          string // "" is succeeded
	StartTime       int64
	FinishTime      int64
}

// InvalidDeployError is a deploy or a deploy edit that breaks a rule; its
// text names the field.
type InvalidDeployError struct{ Err error }

func (e *InvalidDeployError) Error() string { return e.Err.Error() }
func (e *InvalidDeployError) Unwrap() error { return e.Err }

// NewDeploy validates in as a deploy of project reported at now.
// Environment and revision are required; the status defaults to
// succeeded, the start time to now; a deploy that is over (any status but
// started) without a finish time finished when it started, or now.
func NewDeploy(project string, in DeployInput, now time.Time) (model.Deploy, error) {
	d := model.Deploy{Project: project, Environment: in.Environment, Revision: in.Revision,
		RollbarUsername: in.RollbarUsername, LocalUsername: in.LocalUsername, Comment: in.Comment,
		Status: model.DeploySucceeded, StartTime: now.UTC()}
	for _, f := range []struct {
		name, v  string
		max      int
		required bool
	}{
		{"environment", in.Environment, MaxDeployField, true},
		{"revision", in.Revision, MaxDeployField, true},
		{"rollbar_username", in.RollbarUsername, MaxDeployField, false},
		{"local_username", in.LocalUsername, MaxDeployField, false},
		{"comment", in.Comment, MaxDeployComment, false},
	} {
		n := utf8.RuneCountInString(f.v)
		if f.required && n == 0 {
			return model.Deploy{}, &InvalidDeployError{fmt.Errorf("%s: required", f.name)}
		}
		if n > f.max {
			return model.Deploy{}, &InvalidDeployError{fmt.Errorf("%s: want at most %d characters, got %d", f.name, f.max, n)}
		}
	}
	if in.Status != "" {
		st, err := model.ParseDeployStatus(in.Status)
		if err != nil {
			return model.Deploy{}, &InvalidDeployError{err}
		}
		d.Status = st
	}
	if in.StartTime < 0 || in.FinishTime < 0 {
		return model.Deploy{}, &InvalidDeployError{fmt.Errorf("start_time, finish_time: want Unix seconds, got %d, %d", in.StartTime, in.FinishTime)}
	}
	if in.StartTime > 0 {
		d.StartTime = time.Unix(in.StartTime, 0).UTC()
	}
	if in.FinishTime > 0 {
		d.FinishTime = time.Unix(in.FinishTime, 0).UTC()
		if d.FinishTime.Before(d.StartTime) {
			return model.Deploy{}, &InvalidDeployError{fmt.Errorf("finish_time: before start_time")}
		}
	}
	if d.Status != model.DeployStarted && d.FinishTime.IsZero() {
		d.FinishTime = d.StartTime
	}
	return d, nil
}

// SetDeployStatus applies a status edit (Rollbar's PATCH
// /api/1/deploy/{id}) at now: a deploy that ends gets now as its finish
// time, one started again loses it.
func SetDeployStatus(d *model.Deploy, status string, now time.Time) error {
	st, err := model.ParseDeployStatus(status)
	if err != nil {
		return &InvalidDeployError{err}
	}
	switch {
	case st == model.DeployStarted:
		d.FinishTime = time.Time{}
	case d.Status == model.DeployStarted || d.FinishTime.IsZero():
		d.FinishTime = now.UTC()
	}
	d.Status = st
	return nil
}
