package metaduck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

var _ store.ErrorStore = (*Store)(nil)

// RecordOccurrences implements store.ErrorWriter. Per batch it runs one
// query per project for known uuids, one for items, one for ids and
// multi-row inserts, so a batch costs few DuckDB round trips.
func (s *Store) RecordOccurrences(ctx context.Context, occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	s.errorWrites.Lock()
	defer s.errorWrites.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("record occurrences: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	w := batchWriter{ctx: ctx, tx: tx, items: map[[2]string]*pendingItem{}, counters: map[string]int64{}}
	out, err := w.recordAll(occs, observe)
	if err != nil {
		return nil, fmt.Errorf("record occurrences: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("record occurrences: commit: %w", err)
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
	ctx      context.Context
	tx       *sql.Tx
	items    map[[2]string]*pendingItem // (project, fingerprint)
	counters map[string]int64           // project → last counter used
}

func (w *batchWriter) recordAll(occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	out := make([]store.Recorded, len(occs))
	known, err := w.knownUUIDs(occs)
	if err != nil {
		return nil, err
	}
	var fresh []*model.ErrorOccurrence
	var freshIdx []int
	seen := map[[2]string]int{}
	for i, occ := range occs {
		key := [2]string{occ.Project, occ.UUID}
		if r, ok := known[key]; ok && occ.UUID != "" {
			out[i] = r
			continue
		}
		if j, ok := seen[key]; ok && occ.UUID != "" {
			out[i] = store.Recorded{Duplicate: true, OccurrenceID: out[j].OccurrenceID}
			continue
		}
		seen[key] = i
		fresh, freshIdx = append(fresh, occ), append(freshIdx, i)
	}
	if len(fresh) == 0 {
		return out, nil
	}
	if err := w.loadItems(fresh); err != nil {
		return nil, err
	}
	ids, err := w.nextvals("err_occurrence_ids", len(fresh))
	if err != nil {
		return nil, err
	}
	for k, occ := range fresh {
		occ.ID = ids[k]
		p, err := w.item(occ.Project, occ.Fingerprint)
		if err != nil {
			return nil, err
		}
		if p.isNew && p.item.ID == 0 {
			if err := w.newItemIDs(&p.item, occ.Project); err != nil {
				return nil, err
			}
		}
		observe(&p.item, occ)
		occ.ItemID = p.item.ID
		out[freshIdx[k]] = store.Recorded{OccurrenceID: occ.ID, ItemID: occ.ItemID}
	}
	if err := w.insertOccurrences(fresh); err != nil {
		return nil, err
	}
	return out, w.flushItems()
}

// knownUUIDs finds which of the batch's uuids are stored already.
func (w *batchWriter) knownUUIDs(occs []*model.ErrorOccurrence) (map[[2]string]store.Recorded, error) {
	byProject := map[string][]any{}
	for _, o := range occs {
		if o.UUID != "" {
			byProject[o.Project] = append(byProject[o.Project], o.UUID)
		}
	}
	known := map[[2]string]store.Recorded{}
	for project, uuids := range byProject {
		rows, err := w.tx.QueryContext(w.ctx, `SELECT uuid, id, item_id FROM err_occurrences WHERE project = ? AND uuid IN (`+
			placeholders(len(uuids))+`)`, append([]any{project}, uuids...)...)
		if err != nil {
			return nil, fmt.Errorf("uuid lookup: %w", err)
		}
		for rows.Next() {
			var u string
			r := store.Recorded{Duplicate: true}
			if err := rows.Scan(&u, &r.OccurrenceID, &r.ItemID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("uuid lookup: %w", err)
			}
			known[[2]string{project, u}] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("uuid lookup: %w", err)
		}
	}
	return known, nil
}

// loadItems reads the existing items of the batch's fingerprints.
func (w *batchWriter) loadItems(occs []*model.ErrorOccurrence) error {
	byProject := map[string][]any{}
	for _, o := range occs {
		byProject[o.Project] = append(byProject[o.Project], o.Fingerprint)
	}
	for project, fps := range byProject {
		rows, err := w.tx.QueryContext(w.ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = ? AND fingerprint IN (`+
			placeholders(len(fps))+`)`, append([]any{project}, fps...)...)
		if err != nil {
			return fmt.Errorf("item lookup: %w", err)
		}
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("item lookup: %w", err)
			}
			w.items[[2]string{project, it.Fingerprint}] = &pendingItem{item: it}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("item lookup: %w", err)
		}
	}
	return nil
}

func (w *batchWriter) nextvals(seq string, n int) ([]int64, error) {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT nextval('`+seq+`') FROM range(?)`, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", seq, err)
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("%s: %w", seq, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) != n {
		return nil, fmt.Errorf("%s: got %d ids of %d: %v", seq, len(ids), n, err)
	}
	return ids, nil
}

// insertOccurrences writes occurrences with multi-row inserts.
func (w *batchWriter) insertOccurrences(occs []*model.ErrorOccurrence) error {
	const perInsert = 64
	row := "(" + placeholders(21) + ")"
	for len(occs) > 0 {
		chunk := occs[:min(perInsert, len(occs))]
		occs = occs[len(chunk):]
		args := make([]any, 0, 21*len(chunk))
		for _, o := range chunk {
			args = append(args, o.ID, o.Project, o.ItemID, o.UUID, o.Fingerprint, nanos(o.Timestamp), nanos(o.Received),
				o.Environment, int8(o.Level), o.Platform, o.Language, o.Framework, o.CodeVersion,
				o.Context, o.Title, o.Class, o.Message, traceIDText(o.TraceID), o.Notifier,
				o.NotifierLevel, string(o.Data))
		}
		q := `INSERT INTO err_occurrences VALUES ` + strings.TrimSuffix(strings.Repeat(row+",", len(chunk)), ",")
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("insert occurrences: %w", err)
		}
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// item returns the batch's copy of the item of (project, fingerprint)
// (loaded by loadItems); isNew marks one that does not exist yet.
func (w *batchWriter) item(project, fingerprint string) (*pendingItem, error) {
	key := [2]string{project, fingerprint}
	if p, ok := w.items[key]; ok {
		return p, nil
	}
	p := &pendingItem{isNew: true}
	w.items[key] = p
	return p, nil
}

// newItemIDs gives a new item its global id, its project's id and the
// project's next counter.
func (w *batchWriter) newItemIDs(it *model.Item, project string) error {
	if err := w.tx.QueryRowContext(w.ctx, `SELECT nextval('err_item_ids')`).Scan(&it.ID); err != nil {
		return fmt.Errorf("item id: %w", err)
	}
	last, ok := w.counters[project]
	if !ok {
		if err := w.tx.QueryRowContext(w.ctx, `SELECT coalesce(max(counter), 0) FROM err_items WHERE project = ?`,
			project).Scan(&last); err != nil {
			return fmt.Errorf("item counter: %w", err)
		}
	}
	it.Counter = last + 1
	w.counters[project] = it.Counter
	err := w.tx.QueryRowContext(w.ctx, `SELECT id FROM err_projects WHERE name = ?`, project).Scan(&it.ProjectID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("project id: %w", err)
	}
	return nil
}

func (w *batchWriter) flushItems() error {
	for _, p := range w.items {
		var err error
		if p.isNew {
			_, err = w.tx.ExecContext(w.ctx, `INSERT INTO err_items VALUES (`+placeholders(24)+`)`, itemArgs(&p.item)...)
		} else {
			err = updateItem(w.ctx, w.tx, &p.item)
		}
		if err != nil {
			return fmt.Errorf("item %d: %w", p.item.ID, err)
		}
	}
	return nil
}

// UpdateItem implements store.ErrorWriter.
func (s *Store) UpdateItem(ctx context.Context, project string, id int64, edit func(*model.Item) error) (model.Item, error) {
	s.errorWrites.Lock()
	defer s.errorWrites.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return model.Item{}, fmt.Errorf("update item %d: begin: %w", id, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM err_items WHERE project = ? AND id = ?`, project, id))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Item{}, fmt.Errorf("item %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return model.Item{}, fmt.Errorf("update item %d: %w", id, err)
	}
	if err := edit(&it); err != nil {
		return model.Item{}, err
	}
	if err := updateItem(ctx, tx, &it); err != nil {
		return model.Item{}, fmt.Errorf("update item %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return model.Item{}, fmt.Errorf("update item %d: commit: %w", id, err)
	}
	return it, nil
}

func updateItem(ctx context.Context, tx *sql.Tx, it *model.Item) error {
	args := itemArgs(it)
	_, err := tx.ExecContext(ctx, `UPDATE err_items SET title = ?, level = ?, status = ?, environment = ?,
		environments = ?, platform = ?, framework = ?, first_occurrence_id = ?, first_seen_ns = ?,
		last_occurrence_id = ?, last_seen_ns = ?, total = ?, last_activated_ns = ?, last_resolved_ns = ?,
		resolved_in_version = ?, activating_occurrence_id = ?, level_lock = ?, title_lock = ?, notifier_level = ?
		WHERE id = ?`, append(args[5:], it.ID)...)
	return err
}

// DeleteOccurrencesBefore implements store.ErrorWriter.
func (s *Store) DeleteOccurrencesBefore(ctx context.Context, t time.Time) (int64, error) {
	s.errorWrites.Lock()
	defer s.errorWrites.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM err_occurrences WHERE received_ns < ?`, t.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("delete occurrences: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
