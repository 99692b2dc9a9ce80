package sqlbuild

import (
	"fmt"
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
