package metaduck

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/marcboeker/go-duckdb/v2"
)

// rawConn is the DuckDB driver connection a write transaction runs on.
type rawConn interface {
	driver.Conn
	driver.ExecerContext
	driver.QueryerContext
}

// txConn runs statements of one open transaction straight on the driver
// connection, so that Appenders join the transaction.
type txConn struct {
	ctx context.Context
	c   rawConn
}

// inWriteTx runs fn between BEGIN and COMMIT on one connection and returns
// nil only once COMMIT has returned, which is when DuckDB has written and
// fsynced its WAL: the batch is durable. Any error rolls everything back,
// rows appended included (TestAppenderJoinsErrorTransaction).
func (s *Store) inWriteTx(ctx context.Context, fn func(tx *txConn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(rawConn)
		if !ok {
			return errors.New("not a duckdb connection")
		}
		tx := &txConn{ctx: ctx, c: c}
		if err := tx.exec("BEGIN TRANSACTION"); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		err := fn(tx)
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			// Once decided, the commit ignores ctx: DuckDB can commit a
			// COMMIT that a cancellation interrupts and still report the
			// interruption, which would fail a batch that is stored.
			commit := &txConn{ctx: context.WithoutCancel(ctx), c: c}
			if err = commit.exec("COMMIT"); err == nil {
				return s.syncWAL()
			}
			err = fmt.Errorf("commit: %w", err)
		}
		rb := &txConn{ctx: context.Background(), c: c}
		if rerr := rb.exec("ROLLBACK"); rerr != nil {
			// The connection's state is unknown: have the pool drop it.
			err = errors.Join(err, fmt.Errorf("rollback: %w", rerr), driver.ErrBadConn)
		}
		return err
	})
}

func namedValues(args []any) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

func (tx *txConn) exec(query string, args ...any) error {
	_, err := tx.c.ExecContext(tx.ctx, query, namedValues(args))
	return err
}

// query runs query and calls row for each result row; the row's values
// are only valid during the call.
func (tx *txConn) query(query string, args []any, row func(valuesRow) error) error {
	rows, err := tx.c.QueryContext(tx.ctx, query, namedValues(args))
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(vals); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if err := row(vals); err != nil {
			return err
		}
	}
}

// appendRows adds rows (in table column order) to table with the
// go-duckdb Appender, whose flush joins the open transaction.
func (tx *txConn) appendRows(table string, rows [][]driver.Value) error {
	if len(rows) == 0 {
		return nil
	}
	app, err := duckdb.NewAppenderFromConn(tx.c, "", table)
	if err != nil {
		return fmt.Errorf("%s appender: %w", table, err)
	}
	for _, r := range rows {
		if err = app.AppendRow(r...); err != nil {
			break
		}
	}
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

// valuesRow scans one driver row into the destinations metaduck uses.
type valuesRow []driver.Value

func (r valuesRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("scan: %d columns into %d destinations", len(r), len(dest))
	}
	for i, d := range dest {
		v := r[i]
		ok := true
		switch d := d.(type) {
		case *int64:
			switch n := v.(type) {
			case int64:
				*d = n
			case int32:
				*d = int64(n)
			case int16:
				*d = int64(n)
			case int8:
				*d = int64(n)
			default:
				ok = false
			}
		case *int8:
			*d, ok = v.(int8)
		case *string:
			*d, ok = v.(string)
		case *bool:
			*d, ok = v.(bool)
		default:
			return fmt.Errorf("scan: column %d: unsupported destination %T", i, d)
		}
		if !ok {
			return fmt.Errorf("scan: column %d: %T into %T", i, v, d)
		}
	}
	return nil
}
