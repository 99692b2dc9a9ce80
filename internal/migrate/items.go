package migrate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// pageSize is how many items or occurrences are read, and occurrences
// recorded, at once: an occurrence carries its payload, so fewer than
// telemetry items.
const pageSize = 500

// items copies the project's error items in counter order, so that a
// target without items of the project gives them the source's counters.
func (c *copier) items(ctx context.Context, project string) error {
	var items []model.Item
	seen := map[int64]bool{}
	for offset := 0; ; offset += pageSize {
		page, err := c.from.Meta.Items(ctx, store.ItemQuery{Project: project, Offset: offset, Limit: pageSize})
		if err != nil {
			return fmt.Errorf("items: %w", err)
		}
		for _, it := range page.Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				items = append(items, it)
			}
		}
		if len(page.Items) < pageSize {
			break
		}
	}
	slices.SortFunc(items, func(a, b model.Item) int { return int(a.Counter - b.Counter) })
	var occs Counts
	for _, it := range items {
		n, err := c.item(ctx, it)
		if err != nil {
			return fmt.Errorf("item #%d (%q): %w", it.Counter, it.Fingerprint, err)
		}
		occs.add(n)
	}
	if len(items) > 0 {
		c.printf("project %s: %d error items, %d occurrences copied; %d occurrences already there",
			project, len(items), occs.Copied, occs.Skipped)
	}
	c.report.Occurrences.add(occs)
	return nil
}

// item copies one item: ImportItem creates it (or finds the one an
// earlier run made), its occurrences the target lacks are recorded oldest
// first, and a last edit sets the source's fields with the occurrence ids
// of the target (0 for occurrences the source no longer has).
func (c *copier) item(ctx context.Context, src model.Item) (Counts, error) {
	var n Counts
	from, to := c.from.Meta, c.to.Meta
	imp := src
	imp.FirstOccurrenceID, imp.LastOccurrenceID, imp.ActivatingOccurrenceID = 0, 0, 0
	dst, err := to.ImportItem(ctx, imp)
	if err != nil {
		return n, err
	}
	if dst.Counter != src.Counter {
		c.printf("project %s: item #%d is #%d in the target (the counter was taken)", src.Project, src.Counter, dst.Counter)
	}
	ids := map[int64]int64{} // source occurrence id → target's
	there := map[occurrenceKey]int64{}
	for offset := 0; ; offset += pageSize {
		page, err := to.Occurrences(ctx, dst.Project, dst.ID, offset, pageSize)
		if err != nil {
			return n, fmt.Errorf("target occurrences: %w", err)
		}
		for _, o := range page {
			there[keyOfOccurrence(&o)] = o.ID
		}
		if len(page) < pageSize {
			break
		}
	}
	counts, err := from.RecentCounts(ctx, src.Project, []int64{src.ID}, []time.Time{time.Unix(0, math.MinInt64)})
	if err != nil {
		return n, fmt.Errorf("source occurrences: %w", err)
	}
	var total int64
	if cs := counts[src.ID]; len(cs) == 1 {
		total = cs[0]
	}
	// Occurrences come newest first: read the pages from the oldest end.
	for end := total; end > 0; end -= pageSize {
		offset := max(end-pageSize, 0)
		page, err := from.Occurrences(ctx, src.Project, src.ID, int(offset), int(end-offset))
		if err != nil {
			return n, fmt.Errorf("source occurrences: %w", err)
		}
		slices.Reverse(page)
		m, err := c.record(ctx, src, page, there, ids)
		if err != nil {
			return n, err
		}
		n.add(m)
	}
	if total == 0 {
		c.report.ItemsWithoutOccurrences++
	}
	_, err = to.UpdateItem(ctx, dst.Project, dst.ID, func(it *model.Item) error {
		keep := *it
		*it = src
		it.ID, it.Project, it.ProjectID, it.Counter, it.Fingerprint = keep.ID, keep.Project, keep.ProjectID, keep.Counter, keep.Fingerprint
		it.FirstOccurrenceID, it.LastOccurrenceID = ids[src.FirstOccurrenceID], ids[src.LastOccurrenceID]
		it.ActivatingOccurrenceID = ids[src.ActivatingOccurrenceID]
		return nil
	})
	if err != nil {
		return n, err
	}
	c.report.Items.Copied++ // written every run: its fields are the source's
	return n, nil
}

// record records the occurrences of page the target lacks, in one batch,
// and notes the target's id of each.
func (c *copier) record(ctx context.Context, src model.Item, page []model.ErrorOccurrence,
	there map[occurrenceKey]int64, ids map[int64]int64) (Counts, error) {
	var n Counts
	var todo []*model.ErrorOccurrence
	var srcIDs []int64
	for i := range page {
		o := &page[i]
		if id, ok := there[keyOfOccurrence(o)]; ok {
			ids[o.ID] = id
			n.Skipped++
			continue
		}
		srcIDs = append(srcIDs, o.ID)
		o.ID, o.ItemID, o.Fingerprint = 0, 0, src.Fingerprint
		todo = append(todo, o)
	}
	if len(todo) == 0 {
		return n, nil
	}
	// The item exists: RecordOccurrences adds the occurrences to it, and
	// the item's fields are set afterwards, so observe changes nothing.
	recs, err := c.to.Meta.RecordOccurrences(ctx, todo, func(*model.Item, *model.ErrorOccurrence) {})
	if err != nil {
		return n, fmt.Errorf("record %d occurrences: %w", len(todo), err)
	}
	for i, r := range recs {
		ids[srcIDs[i]] = r.OccurrenceID
		if r.Duplicate {
			n.Skipped++
		} else {
			n.Copied++
		}
	}
	return n, nil
}

// occurrenceKey identifies an occurrence across stores: its uuid, or,
// when the client sent none, its content.
type occurrenceKey struct {
	uuid    string
	content [sha256.Size]byte
}

func keyOfOccurrence(o *model.ErrorOccurrence) occurrenceKey {
	if o.UUID != "" {
		return occurrenceKey{uuid: o.UUID}
	}
	c := *o
	c.ID, c.ItemID = 0, 0
	return occurrenceKey{content: keyOf(c)}
}
