package duckdb

import (
	"database/sql"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// Rows are written column-wise (write_encode.go); this file reads them back.

// listCols receives the four columns of a typed attribute list.
type listCols struct {
	keys, values, types any
	nested              string
}

// Dest and Decode make a listCols a rowcodec.Lists.
func (c *listCols) Dest() []any { return []any{&c.keys, &c.values, &c.types, &c.nested} }

func (c *listCols) Decode() (model.Attributes, error) {
	return decodeList(c.keys, c.values, c.types, c.nested)
}

// scanSpan reads a row of spanReadColumns.
func scanSpan(rows *sql.Rows) (model.Span, error) {
	return rowcodec.ScanSpan(rows, &listCols{}, &listCols{})
}

// scanLog reads a row of logReadColumns.
func scanLog(rows *sql.Rows) (model.LogEvent, error) {
	return rowcodec.ScanLog(rows, &listCols{}, &listCols{})
}
