package clickhouse

import (
	"context"
	"fmt"
	"iter"
	"time"

	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/sqlbuild"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The CloudWatch Logs reads: the events of one log group in the order the
// API pages through them, and the expiry of a group's events. They use the
// logs table's log_group and log_stream columns; the CloudWatch receiver
// stamps a unique observed time on each event, so (time_ns, observed_ns,
// log_stream) orders events totally and names a position.

var _ store.LogGroupEvents = (*Store)(nil)

// GroupEvents streams the events of q.Group that satisfy q, in position
// order. q.Match runs in ClickHouse as far as it holds substring tests;
// its JSON tests are left to the caller (ClickHouse 18.16 has no JSON path
// functions), so the events may be a superset of its matches.
func (s *Store) GroupEvents(ctx context.Context, q store.GroupEventQuery) iter.Seq2[store.GroupEvent, error] {
	return func(yield func(store.GroupEvent, error) bool) {
		if err := s.check(); err != nil {
			yield(store.GroupEvent{}, err)
			return
		}
		stmt, args := sqlbuild.GroupEvents(sq, q, func(f *query.TextMatch) sqlbuild.Cond { return sqlbuild.ContainsLeaf(sq, f) })
		rows, err := s.conn.Query(ctx, stmt, args...)
		sqlbuild.Stream(rows, err, fmt.Sprintf("log group %q events", q.Group), sqlbuild.ScanGroupEvent[driver.Rows], yield)
	}
}

// DeleteGroupEvents deletes the group's events (of one stream when stream
// is set) older than beforeNano (every one when 0) with a DELETE mutation,
// and waits until the server has applied it. It counts the events first:
// a mutation reports no row count.
func (s *Store) DeleteGroupEvents(ctx context.Context, project, group, stream string, beforeNano int64) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	w := newWhere().Add("project = ?", project).Add("log_group = ?", group)
	if stream != "" {
		w.Add("log_stream = ?", stream)
	}
	if beforeNano != 0 {
		w.Add("time_ns < ?", beforeNano)
	}
	var n uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM logs WHERE "+w.String(), w.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("log group %q: count events: %w", group, err)
	}
	if n == 0 {
		return 0, nil // a mutation would rewrite parts for nothing
	}
	if err := s.conn.Exec(ctx, "ALTER TABLE logs DELETE WHERE "+w.String(), w.Args()...); err != nil {
		return 0, fmt.Errorf("log group %q: delete events: %w", group, err)
	}
	if err := s.waitMutations(ctx, "logs"); err != nil {
		return 0, fmt.Errorf("log group %q: delete events: %w", group, err)
	}
	return int64(n), nil
}

// waitMutations waits until the table has no unfinished mutation (18.16
// runs them in the background and has no mutations_sync setting), for at
// most Config.MutationTimeout.
func (s *Store) waitMutations(ctx context.Context, table string) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.MutationTimeout)
	defer cancel()
	delay := 10 * time.Millisecond
	for {
		var pending uint64
		err := s.conn.QueryRow(ctx, "SELECT count() FROM system.mutations WHERE database = ? AND table = ? AND is_done = 0",
			s.db, table).Scan(&pending)
		if err != nil {
			return fmt.Errorf("wait for mutations: %w", err)
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for mutations: %d pending: %w", pending, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Second)
	}
}

// GroupStreamStats computes, per stream of the group that has events, the
// first and last event times, the last ingestion time (epoch ms), the
// message bytes and the event count.
func (s *Store) GroupStreamStats(ctx context.Context, project, group string) ([]store.LogStream, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, `SELECT log_stream, min(time_ns), max(time_ns), max(observed_ns),
		toInt64(sum(length(body_text))), toInt64(count()) FROM logs
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
