package clickhouse

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"lookout/internal/query"
	"lookout/internal/store"
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
		sql, args := groupEventsQuery(q)
		rows, err := s.conn.Query(ctx, sql, args...)
		if err != nil {
			yield(store.GroupEvent{}, fmt.Errorf("log group %q events: %w", q.Group, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var e store.GroupEvent
			if err := rows.Scan(&e.TimeNano, &e.ObservedNano, &e.Stream, &e.Message); err != nil {
				yield(store.GroupEvent{}, fmt.Errorf("log group %q events: %w", q.Group, err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(store.GroupEvent{}, fmt.Errorf("log group %q events: %w", q.Group, err))
		}
	}
}

func groupEventsQuery(q store.GroupEventQuery) (string, []any) {
	w := &where{}
	w.add("project = ?", q.Project)
	w.add("log_group = ?", q.Group)
	if len(q.Streams) > 0 {
		in, args := marks(q.Streams)
		w.add("log_stream IN ("+in+")", args...)
	}
	if q.StreamPrefix != "" {
		w.add("startsWith(log_stream, ?)", q.StreamPrefix)
	}
	if q.StartNano != 0 {
		w.add("time_ns >= ?", q.StartNano)
	}
	if q.EndNano != 0 {
		w.add("time_ns < ?", q.EndNano)
	}
	if p := q.After; p != nil {
		w.add("time_ns >= ?", p.TimeNano) // a plain bound the primary key can use
		w.add("(time_ns, observed_ns, log_stream) > (?, ?, ?)", p.TimeNano, p.ObservedNano, p.Stream)
	}
	if p := q.Before; p != nil {
		w.add("time_ns <= ?", p.TimeNano)
		w.add("(time_ns, observed_ns, log_stream) < (?, ?, ?)", p.TimeNano, p.ObservedNano, p.Stream)
	}
	for _, c := range q.Contains {
		w.add("position(body_text, ?) > 0", c)
	}
	if q.Match != nil {
		if cond, args := prefilterSQL(q.Match); cond != "" {
			w.add(cond, args...)
		}
	}
	order := "time_ns, observed_ns, log_stream"
	if q.Descending {
		order = "time_ns DESC, observed_ns DESC, log_stream DESC"
	}
	sql := "SELECT time_ns, observed_ns, log_stream, body_text FROM logs WHERE " + w.String() + " ORDER BY " + order
	if q.Limit > 0 {
		sql += " LIMIT ?"
		w.args = append(w.args, q.Limit)
	}
	return sql, w.args
}

// prefilterSQL renders the substring tests of a TextMatch as a condition on
// body_text; "" means none (a node it cannot render holds for every row).
func prefilterSQL(f *query.TextMatch) (string, []any) {
	switch f.Op {
	case query.MatchAnd, query.MatchOr:
		var parts []string
		var args []any
		for _, c := range f.Children {
			cond, a := prefilterSQL(c)
			if cond == "" {
				if f.Op == query.MatchOr {
					return "", nil // one alternative holds for every row
				}
				continue
			}
			parts, args = append(parts, cond), append(args, a...)
		}
		if len(parts) == 0 {
			return "", nil
		}
		sep := " AND "
		if f.Op == query.MatchOr {
			sep = " OR "
		}
		return "(" + strings.Join(parts, sep) + ")", args
	case query.MatchContains:
		return "position(body_text, ?) > 0", []any{f.Text}
	case query.MatchNotContains:
		return "position(body_text, ?) = 0", []any{f.Text}
	}
	return "", nil
}

// DeleteGroupEvents deletes the group's events (of one stream when stream
// is set) older than beforeNano (every one when 0) with a DELETE mutation,
// and waits until the server has applied it. It counts the events first:
// a mutation reports no row count.
func (s *Store) DeleteGroupEvents(ctx context.Context, project, group, stream string, beforeNano int64) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	w := &where{}
	w.add("project = ?", project)
	w.add("log_group = ?", group)
	if stream != "" {
		w.add("log_stream = ?", stream)
	}
	if beforeNano != 0 {
		w.add("time_ns < ?", beforeNano)
	}
	var n uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM logs WHERE "+w.String(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("log group %q: count events: %w", group, err)
	}
	if n == 0 {
		return 0, nil // a mutation would rewrite parts for nothing
	}
	if err := s.conn.Exec(ctx, "ALTER TABLE logs DELETE WHERE "+w.String(), w.args...); err != nil {
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
