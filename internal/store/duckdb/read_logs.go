package duckdb

import (
	"context"
	"fmt"
	"iter"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// defaultLogLimit is the number of events Logs yields when the query sets no
// limit.
const defaultLogLimit = 100

// Logs streams the matching events ordered by time (ties by observed time).
// The query runs when iteration starts; rows are read as the consumer pulls
// them, and stopping early closes the result. An error is yielded once, as
// the last element. Text matches a case-insensitive substring of the body
// rendered as text (Value.AsString).
func (s *Store) Logs(ctx context.Context, q store.LogQuery) iter.Seq2[model.LogEvent, error] {
	return func(yield func(model.LogEvent, error) bool) {
		release, err := s.acquire()
		if err != nil {
			yield(model.LogEvent{}, err)
			return
		}
		defer release()
		query, args := logsQuery(q)
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(model.LogEvent{}, fmt.Errorf("logs: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLog(rows)
			if err != nil {
				yield(model.LogEvent{}, fmt.Errorf("logs: %w", err))
				return
			}
			if !yield(l, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(model.LogEvent{}, fmt.Errorf("logs: %w", err))
		}
	}
}

func logsQuery(q store.LogQuery) (string, []any) {
	w := &where{}
	w.add("project = ?", q.Project)
	if !q.Start.IsZero() {
		w.add("time_ns >= ?", q.Start.UnixNano())
	}
	if !q.End.IsZero() {
		w.add("time_ns < ?", q.End.UnixNano())
	}
	if q.Service != "" {
		w.add("service = ?", q.Service)
	}
	if q.LogGroup != "" {
		w.add("log_group = ?", q.LogGroup)
	}
	if q.LogStream != "" {
		w.add("log_stream = ?", q.LogStream)
	}
	if q.MinSeverity != 0 {
		w.add("severity_number >= ?", q.MinSeverity)
	}
	if !q.TraceID.IsZero() {
		hi, lo := rowcodec.TraceHalves(q.TraceID)
		w.add("trace_hi = ? AND trace_lo = ?", hi, lo)
	}
	if q.Text != "" {
		w.add("contains(lower(body_text), lower(?))", q.Text)
	}
	order := "time_ns, observed_ns"
	if q.Descending {
		order = "time_ns DESC, observed_ns DESC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLogLimit
	}
	return "SELECT " + logReadColumns + " FROM " + logsView + " WHERE " + w.String() +
		" ORDER BY " + order + " LIMIT ?", append(w.args, limit)
}
