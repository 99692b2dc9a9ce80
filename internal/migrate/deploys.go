package migrate

import (
	"context"
	"time"

	"lookout/internal/model"
)

// deployPage is how many deploys one read lists.
const deployPage = 500

// deploys copies the project's deploys the target lacks, oldest first; a
// deploy is the target's already when it has one to the same environment
// of the same revision started at the same time. Copies get the target's
// ids.
func (c *copier) deploys(ctx context.Context, project string) error {
	type key struct {
		env, rev string
		start    time.Time
	}
	have := map[key]bool{}
	there, err := allDeploys(ctx, c.to.Meta.Deploys, project)
	if err != nil {
		return err
	}
	for _, d := range there {
		have[key{d.Environment, d.Revision, d.StartTime}] = true
	}
	src, err := allDeploys(ctx, c.from.Meta.Deploys, project)
	if err != nil {
		return err
	}
	for i := len(src) - 1; i >= 0; i-- { // the list is latest first
		d := src[i]
		if have[key{d.Environment, d.Revision, d.StartTime}] {
			c.report.Deploys.Skipped++
			continue
		}
		if _, err := c.to.Meta.CreateDeploy(ctx, d); err != nil {
			return err
		}
		c.report.Deploys.Copied++
	}
	return nil
}

// allDeploys reads every deploy of a project, latest first.
func allDeploys(ctx context.Context, list func(context.Context, string, int, int) ([]model.Deploy, error), project string) ([]model.Deploy, error) {
	var out []model.Deploy
	for offset := 0; ; offset += deployPage {
		page, err := list(ctx, project, offset, deployPage)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < deployPage {
			return out, nil
		}
	}
}
