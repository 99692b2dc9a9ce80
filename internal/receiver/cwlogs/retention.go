package cwlogs

import (
	"context"
	"fmt"
	"time"
)

// Run deletes, every Config.RetentionInterval until ctx is done, the events
// older than their group's retention policy, and brings the streams'
// figures (first/last event, stored bytes) up to date. Groups without a
// policy keep their events until the store's own retention drops the day
// partitions that hold them.
func (h *Handler) Run(ctx context.Context) {
	t := time.NewTicker(h.cfg.RetentionInterval)
	defer t.Stop()
	for {
		h.ExpireAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ExpireAll applies every group's retention policy once.
func (h *Handler) ExpireAll(ctx context.Context) {
	groups, err := h.meta.RetainedLogGroups(ctx)
	if err != nil {
		h.log.Warn("cwlogs: retention: list groups", "err", err)
		return
	}
	for _, g := range groups {
		if err := h.expireGroup(ctx, g.Project, g.Name, g.RetentionDays); err != nil {
			h.log.Warn("cwlogs: retention", "group", g.Name, "err", err)
		}
	}
}

// expireGroup deletes the group's events older than days and recomputes its
// streams' figures when any went.
func (h *Handler) expireGroup(ctx context.Context, project, group string, days int) error {
	cutoff := h.now().Add(-time.Duration(days) * 24 * time.Hour)
	n, err := h.events.DeleteGroupEvents(ctx, project, group, "", cutoff.UnixNano())
	if err != nil {
		return fmt.Errorf("log group %q: expire: %w", group, err)
	}
	if n == 0 {
		return nil
	}
	h.log.Info("cwlogs: retention deleted events", "group", group, "events", n, "before", cutoff)
	stats, err := h.events.GroupStreamStats(ctx, project, group)
	if err != nil {
		return fmt.Errorf("log group %q: expire: %w", group, err)
	}
	return h.meta.ResetLogStreamStats(ctx, project, group, stats)
}
