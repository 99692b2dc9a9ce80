package xray

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"strings"
)

// fakePG is a database/sql driver that answers like a tiny PostgreSQL, so
// that xray.SQLContext records a real sql subsegment without a database.
type fakePG struct{}

func init() { sql.Register("fakepg", fakePG{}) }

func (fakePG) Open(string) (driver.Conn, error) { return fakeConn{}, nil }

type fakeConn struct{}

func (fakeConn) Prepare(q string) (driver.Stmt, error) { return fakeStmt{q}, nil }
func (fakeConn) Close() error                          { return nil }
func (fakeConn) Begin() (driver.Tx, error)             { return nil, driver.ErrSkip }

func (fakeConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	return answer(q), nil
}

type fakeStmt struct{ q string }

func (fakeStmt) Close() error                               { return nil }
func (fakeStmt) NumInput() int                              { return -1 }
func (fakeStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(0), nil }
func (s fakeStmt) Query([]driver.Value) (driver.Rows, error) {
	return answer(s.q), nil
}

// answer returns the version probe's row, or one cart id.
func answer(q string) *fakeRows {
	if strings.Contains(q, "version()") {
		return &fakeRows{cols: []string{"version", "current_user", "current_database"},
			rows: [][]driver.Value{{"PostgreSQL 16.4", "app", "shop"}}}
	}
	return &fakeRows{cols: []string{"id"}, rows: [][]driver.Value{{"c-1"}}}
}

type fakeRows struct {
	cols []string
	rows [][]driver.Value
}

func (r *fakeRows) Columns() []string { return r.cols }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}
