package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"lookout/internal/store"
	"lookout/internal/store/duckfile"
	"lookout/internal/store/sqlbuild"
)

// The CloudWatch Logs reads: the events of one log group in the order the
// API pages through them, and the expiry of a group's events. They use the
// logs table's log_group and log_stream columns; the CloudWatch receiver
// stamps a unique observed time on each event, so (time_ns, observed_ns,
// log_stream) orders events totally and names a position.

var _ store.LogGroupEvents = (*Store)(nil)

// GroupEvents streams the events of q.Group that satisfy q, in position
// order. Every condition, q.Match included, runs in DuckDB.
func (s *Store) GroupEvents(ctx context.Context, q store.GroupEventQuery) iter.Seq2[store.GroupEvent, error] {
	return func(yield func(store.GroupEvent, error) bool) {
		release, err := s.acquire()
		if err != nil {
			yield(store.GroupEvent{}, err)
			return
		}
		defer release()
		stmt, args := sqlbuild.GroupEvents(sq, q, prefilterLeaf)
		rows, err := s.db.QueryContext(ctx, stmt, args...)
		sqlbuild.Stream(rows, err, fmt.Sprintf("log group %q events", q.Group), sqlbuild.ScanGroupEvent[*sql.Rows], yield)
	}
}

// DeleteGroupEvents deletes the group's events (of one stream when stream is
// set) older than beforeNano (every one when 0), partition by partition,
// and checkpoints each touched partition so that DuckDB can reuse the freed
// blocks. The files shrink only when the retention of the whole store drops
// the day partition.
func (s *Store) DeleteGroupEvents(ctx context.Context, project, group, stream string, beforeNano int64) (int64, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0, ErrClosed
	}
	parts := s.sortedParts()
	s.mu.Unlock()
	w := newWhere().Add("project = ?", project).Add("log_group = ?", group)
	if stream != "" {
		w.Add("log_stream = ?", stream)
	}
	if beforeNano != 0 {
		w.Add("time_ns < ?", beforeNano)
	}
	var total int64
	for _, p := range parts {
		if beforeNano != 0 && !p.day.Before(time.Unix(0, beforeNano)) {
			break // this and later days hold nothing older than the cutoff
		}
		if err := s.foldWAL(ctx, p); err != nil {
			return total, fmt.Errorf("log group %q: delete events in partition %s: %w", group, p.name, err)
		}
		res, err := s.wconn.ExecContext(ctx, "DELETE FROM "+p.catalog+".main.logs WHERE "+w.String(), w.Args()...)
		if err != nil {
			err = fmt.Errorf("log group %q: delete events in partition %s: %w", group, p.name, err)
			if rerr := s.recoverPart(ctx, p, err); rerr != nil {
				err = errors.Join(err, fmt.Errorf("recover: %w", rerr))
			}
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("log group %q: delete events in partition %s: %w", group, p.name, err)
		}
		if n > 0 {
			total += n
			// Best effort: a failed checkpoint only delays the reuse of
			// space, unless DuckDB gave up on the database.
			if _, err := s.wconn.ExecContext(ctx, "CHECKPOINT "+p.catalog); duckfile.IsInvalidated(err) {
				return total, errors.Join(err, s.restart(context.WithoutCancel(ctx), err, nil))
			}
		}
	}
	return total, nil
}

// GroupStreamStats computes, per stream of the group that has events, the
// first and last event times, the last ingestion time (epoch ms), the
// message bytes and the event count.
func (s *Store) GroupStreamStats(ctx context.Context, project, group string) ([]store.LogStream, error) {
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := s.db.QueryContext(ctx, `SELECT log_stream, min(time_ns), max(time_ns), max(observed_ns),
		sum(strlen(body_text)), count(*) FROM `+logsView+`
		WHERE project = ? AND log_group = ? GROUP BY log_stream ORDER BY log_stream`, project, group)
	if err != nil {
		return nil, fmt.Errorf("log group %q stats: %w", group, err)
	}
	defer rows.Close()
	var out []store.LogStream
	for rows.Next() {
		st := store.LogStream{Project: project, Group: group}
		var first, last, ingest int64
		if err := rows.Scan(&st.Name, &first, &last, &ingest, &st.StoredBytes, &st.Events); err != nil {
			return nil, fmt.Errorf("log group %q stats: %w", group, err)
		}
		st.FirstEventMillis, st.LastEventMillis, st.LastIngestionMillis = first/1e6, last/1e6, ingest/1e6
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("log group %q stats: %w", group, err)
	}
	return out, nil
}
