package sqlbuild

import (
	"fmt"
	"time"

	"lookout/internal/model"
)

// Rows is a result set as both clients (database/sql and clickhouse-go)
// return it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Collect reads every row of a query's result with scan, then closes it.
// It takes the query's own error so that a call can pass both results;
// what names the read in errors.
func Collect[T any, R Rows](rows R, err error, what string, scan func(R) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// Stream yields every row of a query's result, read with scan as the
// consumer pulls; an error is yielded once, as the last element. Stopping
// early closes the result.
func Stream[T any, R Rows](rows R, err error, what string, scan func(R) (T, error), yield func(T, error) bool) {
	var zero T
	if err != nil {
		yield(zero, fmt.Errorf("%s: %w", what, err))
		return
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			yield(zero, fmt.Errorf("%s: %w", what, err))
			return
		}
		if !yield(v, nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		yield(zero, fmt.Errorf("%s: %w", what, err))
	}
}

// ByTrace reads spans with scan and files each under the position of its
// trace in ids; spans of other traces are dropped (a read by trace_hi IN
// and trace_lo IN also matches halves of two different ids).
func ByTrace[R Rows](rows R, err error, what string, ids []model.TraceID, scan func(R) (model.Span, error)) ([][]model.Span, error) {
	index := make(map[model.TraceID]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	out := make([][]model.Span, len(ids))
	spans, err := Collect(rows, err, what, scan)
	if err != nil {
		return nil, err
	}
	for _, sp := range spans {
		if i, ok := index[sp.TraceID]; ok {
			out[i] = append(out[i], sp)
		}
	}
	return out, nil
}

// Dump is the statement of a store.Dumper read: columns of every row of
// table whose time column is in [start, end), in time order.
func Dump(d Dialect, table, columns, timeCol string, start, end time.Time) (string, []any) {
	return "SELECT " + columns + " FROM " + d.Table(table) + " WHERE " + timeCol + " >= ? AND " + timeCol + " < ? ORDER BY " + timeCol,
		[]any{start.UnixNano(), end.UnixNano()}
}
