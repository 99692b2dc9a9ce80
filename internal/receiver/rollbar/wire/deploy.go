package wire

import "lookout/internal/model"

// Deploy is a deploy in Rollbar's shape (user_id is Rollbar's account user,
// which Lookout does not have: always null; the name given is
// rollbar_username).
type Deploy struct {
	ID              int64  `json:"id"`
	ProjectID       int64  `json:"project_id"`
	Environment     string `json:"environment"`
	Revision        string `json:"revision"`
	LocalUsername   string `json:"local_username"`
	RollbarUsername string `json:"rollbar_username"`
	UserID          *int64 `json:"user_id"`
	Comment         string `json:"comment"`
	Status          string `json:"status"`
	StartTime       *int64 `json:"start_time"`
	FinishTime      *int64 `json:"finish_time"`
}

// ToDeploy renders d.
func ToDeploy(d model.Deploy) Deploy {
	return Deploy{ID: d.ID, ProjectID: d.ProjectID, Environment: d.Environment, Revision: d.Revision,
		LocalUsername: d.LocalUsername, RollbarUsername: d.RollbarUsername, Comment: d.Comment,
		Status: string(d.Status), StartTime: Unix(d.StartTime), FinishTime: Unix(d.FinishTime)}
}
