package migrate

import (
	"context"
	"errors"
	"fmt"

	"lookout/internal/store"
)

// meta copies the metadata: projects first, then, project by project,
// tokens, log groups with their streams, documents, error items and
// deploys.
func (c *copier) meta(ctx context.Context) error {
	from, to := c.from.Meta, c.to.Meta
	projects, err := from.Projects(ctx)
	if err != nil {
		return fmt.Errorf("source projects: %w", err)
	}
	for _, p := range projects {
		_, err := to.CreateProject(ctx, p.Name)
		switch {
		case errors.Is(err, store.ErrExists):
			c.report.Projects.Skipped++
		case err != nil:
			return err
		default:
			c.report.Projects.Copied++
		}
	}
	names, err := from.ProjectNames(ctx)
	if err != nil {
		return fmt.Errorf("source projects: %w", err)
	}
	for _, name := range names {
		steps := []func(context.Context, string) error{c.tokens, c.logGroups, c.documents, c.xrayGroups, c.items, c.deploys}
		for _, step := range steps {
			if err := step(ctx, name); err != nil {
				return fmt.Errorf("project %q: %w", name, err)
			}
		}
	}
	r := c.report
	c.printf("metadata: %d projects, %d tokens, %d log groups, %d log streams, %d documents, %d error items, %d occurrences, %d deploys copied; %d already there",
		r.Projects.Copied, r.Tokens.Copied, r.LogGroups.Copied, r.LogStreams.Copied, r.Documents.Copied, r.Items.Copied,
		r.Occurrences.Copied, r.Deploys.Copied, r.Projects.Skipped+r.Tokens.Skipped+r.LogGroups.Skipped+r.LogStreams.Skipped+
			r.Documents.Skipped+r.Items.Skipped+r.Occurrences.Skipped+r.Deploys.Skipped)
	return nil
}

// tokens copies the project's access tokens a target does not know.
func (c *copier) tokens(ctx context.Context, project string) error {
	tokens, err := c.from.Meta.Tokens(ctx, project)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		_, err := c.to.Meta.TokenByHash(ctx, t.Hash)
		switch {
		case err == nil:
			c.report.Tokens.Skipped++
			continue
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if err := c.to.Meta.CreateToken(ctx, t); err != nil {
			return err
		}
		c.report.Tokens.Copied++
	}
	return nil
}

// documents copies the documents the target lacks; a document it has is
// its own (its version counts the target's changes).
func (c *copier) documents(ctx context.Context, project string) error {
	docs, err := c.from.Meta.AllDocuments(ctx, project)
	if err != nil {
		return err
	}
	for _, d := range docs {
		_, err := c.to.Meta.PutDocument(ctx, d, 0)
		switch {
		case errors.Is(err, store.ErrExists):
			c.report.Documents.Skipped++
		case err != nil:
			return fmt.Errorf("document %s/%q: %w", d.Kind, d.Name, err)
		default:
			c.report.Documents.Copied++
		}
	}
	return nil
}

// xrayGroups makes sure the target has the project's X-Ray groups. Both
// metadata stores keep them as documents, which documents has copied
// whole (id and creation time included); this pass, through the groups'
// own interface, creates what a store keeping them otherwise would lack
// (with a creation time of now).
func (c *copier) xrayGroups(ctx context.Context, project string) error {
	groups, err := c.from.Meta.XRayGroups(ctx, project)
	if err != nil {
		return err
	}
	for _, g := range groups {
		_, err := c.to.Meta.CreateXRayGroup(ctx, g, 0)
		switch {
		case errors.Is(err, store.ErrExists):
		case err != nil:
			return fmt.Errorf("x-ray group %q: %w", g.Name, err)
		default:
			c.report.XRayGroups++
		}
	}
	return nil
}

// logGroups copies the project's log groups (retention, tags, class and
// key with them) and streams, and the streams' figures where the target's
// are not newer.
func (c *copier) logGroups(ctx context.Context, project string) error {
	groups, err := c.from.Meta.ListLogGroups(ctx, store.LogGroupList{Project: project})
	if err != nil {
		return err
	}
	for _, g := range groups {
		err := c.to.Meta.CreateLogGroup(ctx, g)
		switch {
		case errors.Is(err, store.ErrExists):
			c.report.LogGroups.Skipped++
		case err != nil:
			return err
		default:
			c.report.LogGroups.Copied++
		}
		if err := c.logStreams(ctx, project, g.Name); err != nil {
			return fmt.Errorf("log group %q: %w", g.Name, err)
		}
	}
	return nil
}

func (c *copier) logStreams(ctx context.Context, project, group string) error {
	streams, err := c.from.Meta.ListLogStreams(ctx, store.LogStreamList{Project: project, Group: group})
	if err != nil {
		return err
	}
	for _, s := range streams {
		err := c.to.Meta.CreateLogStream(ctx, store.LogStream{Project: project, Group: group, Name: s.Name,
			CreationMillis: s.CreationMillis})
		switch {
		case errors.Is(err, store.ErrExists):
			c.report.LogStreams.Skipped++
		case err != nil:
			return fmt.Errorf("log stream %q: %w", s.Name, err)
		default:
			c.report.LogStreams.Copied++
		}
	}
	// ResetLogStreamStats empties the streams it is not given: give it
	// every stream of the target, each with the figures to keep.
	there, err := c.to.Meta.ListLogStreams(ctx, store.LogStreamList{Project: project, Group: group})
	if err != nil {
		return err
	}
	source := map[string]store.LogStream{}
	for _, s := range streams {
		source[s.Name] = s
	}
	changed := false
	for i, t := range there {
		s, ok := source[t.Name]
		if !ok || t.LastIngestionMillis > s.LastIngestionMillis || sameFigures(s, t) {
			continue // the target's own, newer, or already right
		}
		there[i] = s
		changed = true
	}
	if !changed {
		return nil
	}
	return c.to.Meta.ResetLogStreamStats(ctx, project, group, there)
}

func sameFigures(a, b store.LogStream) bool {
	return a.FirstEventMillis == b.FirstEventMillis && a.LastEventMillis == b.LastEventMillis &&
		a.LastIngestionMillis == b.LastIngestionMillis && a.StoredBytes == b.StoredBytes && a.Events == b.Events
}
