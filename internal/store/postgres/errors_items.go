package postgres

import (
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"lookout/internal/model"
)

// lockItems loads and locks the items of the occurrences' fingerprints,
// creating the missing ones under their projects' counter locks.
func (w *batchWriter) lockItems(occs []*model.ErrorOccurrence) error {
	var keys []itemKey // distinct, in batch order
	inBatch := map[itemKey]bool{}
	for _, o := range occs {
		k := itemKey{clean(o.Project), clean(o.Fingerprint)}
		if !inBatch[k] {
			inBatch[k] = true
			keys = append(keys, k)
		}
	}
	sorted := slices.SortedFunc(slices.Values(keys), compareKeys)
	projects, fps := make([]string, len(sorted)), make([]string, len(sorted))
	for i, k := range sorted {
		projects[i], fps[i] = k.project, k.value
	}
	// Which projects open items: read without locks, then lock their
	// counters before any item.
	rows, err := w.tx.Query(w.ctx, `SELECT i.project, i.fingerprint FROM err_items i
		JOIN unnest($1::text[], $2::text[]) AS u(project, fingerprint)
		ON i.project = u.project AND i.fingerprint = u.fingerprint`, projects, fps)
	if err != nil {
		return fmt.Errorf("item lookup: %w", err)
	}
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (itemKey, error) {
		var k itemKey
		return k, r.Scan(&k.project, &k.value)
	})
	if err != nil {
		return fmt.Errorf("item lookup: %w", err)
	}
	exists := map[itemKey]bool{}
	for _, k := range found {
		exists[k] = true
	}
	var opening []string
	for _, k := range sorted {
		if !exists[k] && !slices.Contains(opening, k.project) {
			opening = append(opening, k.project) // sorted, as keys are
		}
	}
	counters, err := w.lockCounters(opening)
	if err != nil {
		return err
	}
	rows, err = w.tx.Query(w.ctx, `SELECT `+itemColumns+` FROM err_items
		WHERE (project, fingerprint) IN (SELECT * FROM unnest($1::text[], $2::text[]))
		ORDER BY project, fingerprint FOR UPDATE`, projects, fps)
	if err != nil {
		return fmt.Errorf("item lock: %w", err)
	}
	locked, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (model.Item, error) { return scanItem(r) })
	if err != nil {
		return fmt.Errorf("item lock: %w", err)
	}
	for _, it := range locked {
		w.items[itemKey{it.Project, it.Fingerprint}] = &pendingItem{item: it}
	}
	var opened []*pendingItem
	for _, k := range keys {
		p, ok := w.items[k]
		if !ok {
			if _, ok := counters[k.project]; !ok {
				// Items are never deleted: one missing now was missing before.
				return fmt.Errorf("item %q of project %q appeared without its counter lock", k.value, k.project)
			}
			p = &pendingItem{isNew: true, item: model.Item{Project: k.project}}
			w.items[k] = p
			opened = append(opened, p)
		}
		w.order = append(w.order, p)
	}
	return w.openItems(opened, counters)
}

// lockCounters locks the counter rows of projects (sorted), creating
// those missing, and returns each project's last counter.
func (w *batchWriter) lockCounters(projects []string) (map[string]int64, error) {
	counters := map[string]int64{}
	if len(projects) == 0 {
		return counters, nil
	}
	rows, err := w.tx.Query(w.ctx, `INSERT INTO err_item_counters (project, last)
		SELECT p, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n
		ON CONFLICT (project) DO UPDATE SET last = err_item_counters.last
		RETURNING project, last`, projects)
	if err != nil {
		return nil, fmt.Errorf("item counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var last int64
		if err := rows.Scan(&p, &last); err != nil {
			return nil, fmt.Errorf("item counters: %w", err)
		}
		counters[p] = last
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("item counters: %w", err)
	}
	return counters, nil
}

// openItems gives the new items, in batch order, global ids, their
// projects' ids and the next counters, and stores the counters.
func (w *batchWriter) openItems(opened []*pendingItem, counters map[string]int64) error {
	if len(opened) == 0 {
		return nil
	}
	ids, err := w.nextvals("err_item_ids", len(opened))
	if err != nil {
		return err
	}
	var projects []string
	for p := range counters {
		projects = append(projects, p)
	}
	rows, err := w.tx.Query(w.ctx, `SELECT name, id FROM err_projects WHERE name = ANY($1)`, projects)
	if err != nil {
		return fmt.Errorf("project ids: %w", err)
	}
	projectIDs := map[string]int64{}
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			rows.Close()
			return fmt.Errorf("project ids: %w", err)
		}
		projectIDs[name] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("project ids: %w", err)
	}
	for k, p := range opened {
		counters[p.item.Project]++
		p.item.ID, p.item.Counter, p.item.ProjectID = ids[k], counters[p.item.Project], projectIDs[p.item.Project]
	}
	lasts := make([]int64, len(projects))
	for i, p := range projects {
		lasts[i] = counters[p]
	}
	if _, err := w.tx.Exec(w.ctx, `UPDATE err_item_counters c SET last = u.last
		FROM unnest($1::text[], $2::bigint[]) AS u(project, last) WHERE c.project = u.project`, projects, lasts); err != nil {
		return fmt.Errorf("item counters: %w", err)
	}
	return nil
}
