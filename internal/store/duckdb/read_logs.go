package duckdb

import (
	"context"
	"iter"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/sqlbuild"
)

// Logs streams the matching events ordered by time (ties by observed time)
// as rows are read (see sqlbuild.Logs). Text matches a case-insensitive
// substring of the body rendered as text (Value.AsString).
func (s *Store) Logs(ctx context.Context, q store.LogQuery) iter.Seq2[model.LogEvent, error] {
	return func(yield func(model.LogEvent, error) bool) {
		release, err := s.acquire()
		if err != nil {
			yield(model.LogEvent{}, err)
			return
		}
		defer release()
		stmt, args := sqlbuild.Logs(sq, logReadColumns, q)
		rows, err := s.db.QueryContext(ctx, stmt, args...)
		sqlbuild.Stream(rows, err, "logs", scanLog, yield)
	}
}
