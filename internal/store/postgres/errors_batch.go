package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"lookout/internal/model"
	"lookout/internal/store"
)

// RecordOccurrences implements store.ErrorWriter, correctly when several
// nodes record at once. One transaction takes its locks in one global
// order, so writers wait for each other but never deadlock:
//
//  1. a transaction advisory lock per UUID of the batch (sorted), then the
//     lookup of the UUIDs already stored: a UUID is recorded once;
//  2. the counter row of each project in which the batch opens an item
//     (sorted): items are only created under it, so counters are unique and
//     gapless and one fingerprint never gets two items;
//  3. the batch's existing items, FOR UPDATE (sorted by project and
//     fingerprint): concurrent occurrences of one item apply in turn.
//
// observe runs once per new occurrence and attempt: should PostgreSQL
// abort the transaction anyway (a deadlock with a foreign writer), it is
// retried from the start and observe sees the occurrences again.
func (s *Store) RecordOccurrences(ctx context.Context, occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	var out []store.Recorded
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		w := batchWriter{ctx: ctx, tx: tx, items: map[itemKey]*pendingItem{}}
		var err error
		out, err = w.recordAll(occs, observe)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record occurrences: %w", err)
	}
	return out, nil
}

// itemKey is (project, fingerprint) or (project, uuid), cleaned.
type itemKey struct{ project, value string }

func compareKeys(a, b itemKey) int {
	if c := strings.Compare(a.project, b.project); c != 0 {
		return c
	}
	return strings.Compare(a.value, b.value)
}

type pendingItem struct {
	item  model.Item
	isNew bool
}

// batchWriter holds one transaction's state: items are written once, at
// the end, however many occurrences touched them.
type batchWriter struct {
	ctx   context.Context
	tx    pgx.Tx
	items map[itemKey]*pendingItem
	order []*pendingItem // items in the order the batch met them
}

func (w *batchWriter) recordAll(occs []*model.ErrorOccurrence, observe store.ObserveFunc) ([]store.Recorded, error) {
	out := make([]store.Recorded, len(occs))
	type dup struct{ i, of int }
	var dups []dup // re-sent within the batch: the first one's result
	var candidates []int
	seen := map[itemKey]int{}
	var uuids []itemKey
	for i, o := range occs {
		if o.UUID != "" {
			k := itemKey{clean(o.Project), clean(o.UUID)}
			if j, ok := seen[k]; ok {
				dups = append(dups, dup{i, j})
				continue
			}
			seen[k] = i
			uuids = append(uuids, k)
		}
		candidates = append(candidates, i)
	}
	known, err := w.claimUUIDs(uuids)
	if err != nil {
		return nil, err
	}
	var fresh []*model.ErrorOccurrence
	var freshIdx []int
	for _, i := range candidates {
		if r, ok := known[itemKey{clean(occs[i].Project), clean(occs[i].UUID)}]; ok && occs[i].UUID != "" {
			out[i] = r
			continue
		}
		fresh, freshIdx = append(fresh, occs[i]), append(freshIdx, i)
	}
	if len(fresh) > 0 {
		if err := w.lockItems(fresh); err != nil {
			return nil, err
		}
		ids, err := w.nextvals("err_occurrence_ids", len(fresh))
		if err != nil {
			return nil, err
		}
		for k, o := range fresh {
			o.ID = ids[k]
			p := w.items[itemKey{clean(o.Project), clean(o.Fingerprint)}]
			observe(&p.item, o)
			o.ItemID = p.item.ID
			out[freshIdx[k]] = store.Recorded{OccurrenceID: o.ID, ItemID: o.ItemID}
		}
		if err := w.write(fresh); err != nil {
			return nil, err
		}
	}
	for _, d := range dups {
		out[d.i] = out[d.of]
		out[d.i].Duplicate = true
	}
	return out, nil
}

// claimUUIDs locks the batch's uuids for the transaction, then finds
// those already stored: a concurrent batch holding one of them has
// committed or rolled back by the time the lookup runs.
func (w *batchWriter) claimUUIDs(uuids []itemKey) (map[itemKey]store.Recorded, error) {
	known := map[itemKey]store.Recorded{}
	if len(uuids) == 0 {
		return known, nil
	}
	locks := make([]int64, len(uuids))
	projects, values := make([]string, len(uuids)), make([]string, len(uuids))
	for i, k := range uuids {
		h := fnv.New64a()
		h.Write([]byte(k.project))
		h.Write([]byte{0})
		h.Write([]byte(k.value))
		locks[i] = int64(h.Sum64())
		projects[i], values[i] = k.project, k.value
	}
	slices.Sort(locks)
	locks = slices.Compact(locks)
	if _, err := w.tx.Exec(w.ctx, `SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k`, locks); err != nil {
		return nil, fmt.Errorf("uuid locks: %w", err)
	}
	rows, err := w.tx.Query(w.ctx, `SELECT o.project, o.uuid, o.id, o.item_id FROM err_occurrences o
		JOIN unnest($1::text[], $2::text[]) AS u(project, uuid) ON o.project = u.project AND o.uuid = u.uuid
		WHERE o.uuid <> ''`, projects, values)
	if err != nil {
		return nil, fmt.Errorf("uuid lookup: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k itemKey
		r := store.Recorded{Duplicate: true}
		if err := rows.Scan(&k.project, &k.value, &r.OccurrenceID, &r.ItemID); err != nil {
			return nil, fmt.Errorf("uuid lookup: %w", err)
		}
		known[k] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("uuid lookup: %w", err)
	}
	return known, nil
}

// nextvals takes n values of a sequence, ascending.
func (w *batchWriter) nextvals(seq string, n int) ([]int64, error) {
	rows, err := w.tx.Query(w.ctx, `SELECT nextval($1::regclass) FROM generate_series(1, $2)`, seq, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", seq, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err == nil && len(ids) != n {
		err = fmt.Errorf("got %d ids of %d", len(ids), n)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", seq, err)
	}
	slices.Sort(ids)
	return ids, nil
}

// write inserts the new items, updates the others and inserts the
// occurrences, in one round trip.
func (w *batchWriter) write(occs []*model.ErrorOccurrence) error {
	b := &pgx.Batch{}
	for _, p := range w.order {
		if p.isNew {
			b.Queue(`INSERT INTO err_items (`+itemColumns+`) VALUES (`+params(1, 24)+`)`, itemArgs(&p.item)...)
		} else {
			queueItemUpdate(b, &p.item)
		}
	}
	for _, o := range occs {
		b.Queue(`INSERT INTO err_occurrences (`+occurrenceColumns+`) VALUES (`+params(1, 21)+`)`, occurrenceArgs(o)...)
	}
	if err := w.tx.SendBatch(w.ctx, b).Close(); err != nil {
		return fmt.Errorf("write items and occurrences: %w", err)
	}
	return nil
}

// queueItemUpdate writes every column of it that may change: not its id,
// project, counter or fingerprint.
func queueItemUpdate(b *pgx.Batch, it *model.Item) {
	args := itemArgs(it)
	b.Queue(`UPDATE err_items SET title = $1, level = $2, status = $3, environment = $4,
		environments = $5, platform = $6, framework = $7, first_occurrence_id = $8, first_seen_ns = $9,
		last_occurrence_id = $10, last_seen_ns = $11, total = $12, last_activated_ns = $13, last_resolved_ns = $14,
		resolved_in_version = $15, activating_occurrence_id = $16, level_lock = $17, title_lock = $18,
		notifier_level = $19 WHERE id = $20`, append(args[5:], it.ID)...)
}

// params renders "$from, ..., $to".
func params(from, to int) string {
	var sb strings.Builder
	for i := from; i <= to; i++ {
		if i > from {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "$%d", i)
	}
	return sb.String()
}
