package metaduck

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"lookout/internal/model"
	"lookout/internal/store"
)

// RecordOccurrences implements store.ErrorWriter. A batch costs a fixed
// number of DuckDB round trips whatever its size: per project one uuid
// lookup and one item lookup; one id allocation for the occurrences (and,
// when the batch opens items, one for their ids plus one counter lookup
// per project); one DELETE of the touched items, which are then appended
// whole with their occurrences (Appenders inside the transaction); COMMIT.
func (s *Store) RecordOccurrences(ctx context.Context, occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	var out []store.Recorded
	err := s.write(ctx, func() error {
		return s.inWriteTx(ctx, func(tx *txConn) error {
			w := batchWriter{tx: tx, items: map[[2]string]*pendingItem{}}
			var err error
			out, err = w.recordAll(occs, observe)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("record occurrences: %w", err)
	}
	return out, nil
}

type pendingItem struct {
	item  model.Item
	isNew bool
}

// batchWriter holds one transaction's state: items are written once, at
// the end, however many occurrences touched them.
type batchWriter struct {
	tx    *txConn
	items map[[2]string]*pendingItem // (project, fingerprint)
	order []*pendingItem             // items in the order the batch met them
}

func (w *batchWriter) recordAll(occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	out := make([]store.Recorded, len(occs))
	known, err := w.knownUUIDs(occs)
	if err != nil {
		return nil, err
	}
	var fresh []*model.ErrorOccurrence
	var freshIdx []int
	type dup struct{ i, of int }
	var dups []dup // re-sent within the batch: the first one's result
	seen := map[[2]string]int{}
	for i, occ := range occs {
		if occ.UUID != "" {
			key := [2]string{occ.Project, occ.UUID}
			if r, ok := known[key]; ok {
				out[i] = r
				continue
			}
			if j, ok := seen[key]; ok {
				dups = append(dups, dup{i, j})
				continue
			}
			seen[key] = i
		}
		fresh, freshIdx = append(fresh, occ), append(freshIdx, i)
	}
	if len(fresh) == 0 {
		return out, nil
	}
	if err := w.loadItems(fresh); err != nil {
		return nil, err
	}
	if err := w.newItems(fresh); err != nil {
		return nil, err
	}
	ids, err := w.nextvals("err_occurrence_ids", len(fresh))
	if err != nil {
		return nil, err
	}
	rows := make([][]driver.Value, len(fresh))
	for k, occ := range fresh {
		occ.ID = ids[k]
		p := w.items[[2]string{occ.Project, occ.Fingerprint}]
		observe(&p.item, occ)
		occ.ItemID = p.item.ID
		out[freshIdx[k]] = store.Recorded{OccurrenceID: occ.ID, ItemID: occ.ItemID}
		rows[k] = occurrenceRow(occ)
	}
	for _, d := range dups {
		out[d.i] = out[d.of]
		out[d.i].Duplicate = true
	}
	if err := w.writeItems(); err != nil {
		return nil, err
	}
	return out, w.tx.appendRows("err_occurrences", rows)
}

// byProject groups a value of each occurrence by project, in batch order.
func byProject(occs []*model.ErrorOccurrence, value func(*model.ErrorOccurrence) string) ([]string, map[string][]any) {
	var projects []string
	m := map[string][]any{}
	for _, o := range occs {
		v := value(o)
		if v == "" {
			continue
		}
		if _, ok := m[o.Project]; !ok {
			projects = append(projects, o.Project)
		}
		m[o.Project] = append(m[o.Project], v)
	}
	return projects, m
}

// knownUUIDs finds which of the batch's uuids are stored already.
func (w *batchWriter) knownUUIDs(occs []*model.ErrorOccurrence) (map[[2]string]store.Recorded, error) {
	known := map[[2]string]store.Recorded{}
	projects, uuids := byProject(occs, func(o *model.ErrorOccurrence) string { return o.UUID })
	for _, project := range projects {
		err := w.tx.query(`SELECT uuid, id, item_id FROM err_occurrences WHERE project = ? AND uuid IN (`+
			placeholders(len(uuids[project]))+`)`, append([]any{project}, uuids[project]...), func(row valuesRow) error {
			var u string
			r := store.Recorded{Duplicate: true}
			if err := row.Scan(&u, &r.OccurrenceID, &r.ItemID); err != nil {
				return err
			}
			known[[2]string{project, u}] = r
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("uuid lookup: %w", err)
		}
	}
	return known, nil
}

// loadItems reads the existing items of the batch's fingerprints.
func (w *batchWriter) loadItems(occs []*model.ErrorOccurrence) error {
	projects, fps := byProject(occs, func(o *model.ErrorOccurrence) string { return o.Fingerprint })
	for _, project := range projects {
		err := w.tx.query(`SELECT `+itemColumns+` FROM err_items WHERE project = ? AND fingerprint IN (`+
			placeholders(len(fps[project]))+`)`, append([]any{project}, fps[project]...), func(row valuesRow) error {
			it, err := scanItem(row)
			if err != nil {
				return err
			}
			p := &pendingItem{item: it}
			w.items[[2]string{project, it.Fingerprint}] = p
			w.order = append(w.order, p)
			return nil
		})
		if err != nil {
			return fmt.Errorf("item lookup: %w", err)
		}
	}
	return nil
}

// newItems creates the items the batch opens, in the order of their first
// occurrence: global ids, project ids and each project's next counters.
func (w *batchWriter) newItems(occs []*model.ErrorOccurrence) error {
	var opened []*pendingItem
	var projects []string
	counters := map[string][2]int64{} // project → last counter, project id
	for _, o := range occs {
		key := [2]string{o.Project, o.Fingerprint}
		if _, ok := w.items[key]; ok {
			continue
		}
		p := &pendingItem{isNew: true, item: model.Item{Project: o.Project}}
		w.items[key] = p
		w.order = append(w.order, p)
		opened = append(opened, p)
		if _, ok := counters[o.Project]; !ok {
			counters[o.Project] = [2]int64{}
			projects = append(projects, o.Project)
		}
	}
	if len(opened) == 0 {
		return nil
	}
	ids, err := w.nextvals("err_item_ids", len(opened))
	if err != nil {
		return err
	}
	for _, project := range projects {
		var c [2]int64
		err := w.tx.query(`SELECT (SELECT coalesce(max(counter), 0) FROM err_items WHERE project = ?),
			(SELECT coalesce(max(id), 0) FROM err_projects WHERE name = ?)`, []any{project, project},
			func(row valuesRow) error { return row.Scan(&c[0], &c[1]) })
		if err != nil {
			return fmt.Errorf("item counter of project %q: %w", project, err)
		}
		counters[project] = c
	}
	for k, p := range opened {
		c := counters[p.item.Project]
		c[0]++
		counters[p.item.Project] = c
		p.item.ID, p.item.Counter, p.item.ProjectID = ids[k], c[0], c[1]
	}
	return nil
}

func (w *batchWriter) nextvals(seq string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	err := w.tx.query(`SELECT nextval('`+seq+`') FROM range(?)`, []any{int64(n)}, func(row valuesRow) error {
		var id int64
		if err := row.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err == nil && len(ids) != n {
		err = fmt.Errorf("got %d ids of %d", len(ids), n)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", seq, err)
	}
	return ids, nil
}

// writeItems replaces the batch's existing items and adds its new ones:
// one DELETE and one Appender instead of an UPDATE per item.
func (w *batchWriter) writeItems() error {
	var stale []any
	rows := make([][]driver.Value, len(w.order))
	for i, p := range w.order {
		if !p.isNew {
			stale = append(stale, p.item.ID)
		}
		rows[i] = itemRow(&p.item)
	}
	if len(stale) > 0 {
		if err := w.tx.exec(`DELETE FROM err_items WHERE id IN (`+placeholders(len(stale))+`)`, stale...); err != nil {
			return fmt.Errorf("items: %w", err)
		}
	}
	return w.tx.appendRows("err_items", rows)
}

func itemRow(it *model.Item) []driver.Value {
	args := itemArgs(it)
	row := make([]driver.Value, len(args))
	for i, a := range args {
		row[i] = a
	}
	return row
}

// occurrenceRow is o in err_occurrences' column order.
func occurrenceRow(o *model.ErrorOccurrence) []driver.Value {
	return []driver.Value{o.ID, o.Project, o.ItemID, o.UUID, o.Fingerprint, nanos(o.Timestamp), nanos(o.Received),
		o.Environment, int8(o.Level), o.Platform, o.Language, o.Framework, o.CodeVersion,
		o.Context, o.Title, o.Class, o.Message, traceIDText(o.TraceID), o.Notifier,
		o.NotifierLevel, string(o.Data)}
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
