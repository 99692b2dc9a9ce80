package duckdb

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/marcboeker/go-duckdb/mapping"
)

// Rows reach DuckDB as whole data chunks filled through the C API
// (duckdb_append_data_chunk) rather than go-duckdb's Appender.AppendRow,
// which converts every value through reflection and copies every string
// with C.CString, a cgo call and free: ~12 µs per span, the largest part of
// the serial commit. Here numbers are copied column by column into the
// vectors' memory and strings are written as duckdb_string_t: up to 12 bytes
// inline, longer ones pointing into a pinned Go arena. About 100 cgo calls
// per chunk of 2,048 rows remain.
//
// The arena only has to outlive duckdb_append_data_chunk: DuckDB copies the
// chunk, strings included, into the appender's own collection before it
// returns (BaseAppender::AppendDataChunk → ColumnDataCollection::Append).

// chunkColumn is one table column of the rows of a batch, in Go memory.
type chunkColumn interface {
	// check reports whether the column fits a vector of DuckDB type t. Call
	// fill only after it passed: fill writes raw memory of that layout.
	check(t mapping.LogicalType) error
	// fill writes rows [from, from+n) into v.
	fill(v mapping.Vector, from, n int, a *arena) error
	// size is about the bytes the column holds, its strings' bytes
	// counted wherever they appear (shared strings more than once).
	size() int64
}

// duckString is duckdb_string_t (duckdb.h): the length, then up to 12 bytes
// inline (zero padded: DuckDB compares inlined strings as 16 bytes), or a
// 4-byte prefix and a pointer. It has no Go pointer fields on purpose: it is
// written into C memory, where a write barrier must not look at old bytes.
type duckString struct {
	length uint32
	data   [12]byte
}

const inlineLen = 12

type duckListEntry struct{ offset, length uint64 }

// arena holds copies of the long strings of the chunk being filled, in
// blocks pinned so that C memory may point at them. The blocks are reused
// for the next chunk once DuckDB has copied the current one.
type arena struct {
	pin    runtime.Pinner
	blocks [][]byte
	cur    int // blocks[cur] is being filled
}

const arenaBlock = 256 << 10

func (a *arena) copy(s string) uintptr {
	for a.cur < len(a.blocks) && cap(a.blocks[a.cur])-len(a.blocks[a.cur]) < len(s) {
		a.cur++
	}
	if a.cur == len(a.blocks) {
		b := make([]byte, 0, max(len(s), arenaBlock))
		a.pin.Pin(&b[:1][0])
		a.blocks = append(a.blocks, b)
	}
	b := a.blocks[a.cur]
	off := len(b)
	b = append(b, s...) // within capacity: the block does not move
	a.blocks[a.cur] = b
	return uintptr(unsafe.Pointer(&b[off]))
}

// reset makes the blocks reusable: call it once DuckDB has copied the chunk.
func (a *arena) reset() {
	for i := range a.blocks {
		a.blocks[i] = a.blocks[i][:0]
	}
	a.cur = 0
}

func (a *arena) release() {
	a.pin.Unpin()
	a.blocks = nil
}

func (a *arena) str(dst *duckString, s string) {
	*dst = duckString{length: uint32(len(s))}
	if len(s) <= inlineLen {
		copy(dst.data[:], s)
		return
	}
	copy(dst.data[:4], s)
	*(*uintptr)(unsafe.Pointer(&dst.data[4])) = a.copy(s)
}

func wantType(t mapping.LogicalType, want mapping.Type) error {
	if got := mapping.GetTypeId(t); got != want {
		return fmt.Errorf("column of type %d, want %d", got, want)
	}
	return nil
}

func wantList(t mapping.LogicalType, elem mapping.Type) error {
	if err := wantType(t, mapping.TypeList); err != nil {
		return err
	}
	child := mapping.ListTypeChildType(t)
	defer mapping.DestroyLogicalType(&child)
	return wantType(child, elem)
}

// fixed are the Go types whose layout is that of a DuckDB vector's values.
type fixed interface {
	int64 | int32 | uint32 | uint8 | uint64 | float64 | bool
}

// fixedType is the DuckDB type of T.
func fixedType[T fixed]() mapping.Type {
	switch any(*new(T)).(type) {
	case int64:
		return mapping.TypeBigInt
	case int32:
		return mapping.TypeInteger
	case uint32:
		return mapping.TypeUInteger
	case uint8:
		return mapping.TypeUTinyInt
	case uint64:
		return mapping.TypeUBigInt
	case float64:
		return mapping.TypeDouble
	default: // bool, one byte
		return mapping.TypeBoolean
	}
}

// intCol is a fixed-width column; its Go type matches the vector's layout.
type intCol[T fixed] []T

func (c intCol[T]) check(t mapping.LogicalType) error { return wantType(t, fixedType[T]()) }

func (c intCol[T]) size() int64 { return int64(len(c)) * int64(unsafe.Sizeof(*new(T))) }

func (c intCol[T]) fill(v mapping.Vector, from, n int, _ *arena) error {
	copy(unsafe.Slice((*T)(mapping.VectorGetData(v)), n), c[from:from+n])
	return nil
}

// nullCol is a fixed-width column whose rows may be NULL: those whose ok is
// false.
type nullCol[T fixed] struct {
	v  []T
	ok []bool
}

func (c *nullCol[T]) add(v T, ok bool) { c.v, c.ok = append(c.v, v), append(c.ok, ok) }

func (c *nullCol[T]) check(t mapping.LogicalType) error { return wantType(t, fixedType[T]()) }

func (c *nullCol[T]) size() int64 { return int64(len(c.v)) * (int64(unsafe.Sizeof(*new(T))) + 1) }

func (c *nullCol[T]) fill(v mapping.Vector, from, n int, _ *arena) error {
	copy(unsafe.Slice((*T)(mapping.VectorGetData(v)), n), c.v[from:from+n])
	var mask unsafe.Pointer
	for i, ok := range c.ok[from : from+n] {
		if ok {
			continue
		}
		if mask == nil {
			mapping.VectorEnsureValidityWritable(v)
			mask = mapping.VectorGetValidity(v)
		}
		mapping.ValiditySetRowInvalid(mask, mapping.IdxT(i))
	}
	return nil
}

// strCol is a VARCHAR column.
type strCol []string

func (c strCol) check(t mapping.LogicalType) error { return wantType(t, mapping.TypeVarchar) }

func (c strCol) size() int64 { return strBytes(c) }

// strBytes is the bytes of a slice of strings: headers and contents.
func strBytes(ss []string) int64 {
	n := int64(len(ss)) * int64(unsafe.Sizeof(""))
	for _, s := range ss {
		n += int64(len(s))
	}
	return n
}

func (c strCol) fill(v mapping.Vector, from, n int, a *arena) error {
	dst := unsafe.Slice((*duckString)(mapping.VectorGetData(v)), n)
	for i, s := range c[from : from+n] {
		a.str(&dst[i], s)
	}
	return nil
}

// listRange is one row's list: a range of a list column's flat values. Rows may
// share a range (every span of a resource shares its resource lists).
type listRange struct{ off, n uint32 }

// listCol is a LIST column: per row a range of flat.
type listCol[T string | uint8 | uint64 | float64] struct {
	flat []T
	rows []listRange
}

// push adds a row holding vs.
func (c *listCol[T]) push(vs []T) {
	c.rows = append(c.rows, listRange{uint32(len(c.flat)), uint32(len(vs))})
	c.flat = append(c.flat, vs...)
}

func (c *listCol[T]) check(t mapping.LogicalType) error {
	elem := mapping.TypeVarchar
	switch any(*new(T)).(type) {
	case uint8:
		elem = mapping.TypeUTinyInt
	case uint64:
		elem = mapping.TypeUBigInt
	case float64:
		elem = mapping.TypeDouble
	}
	return wantList(t, elem)
}

func (c *listCol[T]) size() int64 {
	n := int64(len(c.rows)) * int64(unsafe.Sizeof(listRange{}))
	if flat, ok := any(c.flat).([]string); ok {
		return n + strBytes(flat)
	}
	return n + int64(len(c.flat))*int64(unsafe.Sizeof(*new(T)))
}

func (c *listCol[T]) fill(v mapping.Vector, from, n int, a *arena) error {
	rows := c.rows[from : from+n]
	total := 0
	for _, r := range rows {
		total += int(r.n)
	}
	if mapping.ListVectorReserve(v, mapping.IdxT(total)) == mapping.StateError ||
		mapping.ListVectorSetSize(v, mapping.IdxT(total)) == mapping.StateError {
		return fmt.Errorf("list of %d values refused", total)
	}
	entries := unsafe.Slice((*duckListEntry)(mapping.VectorGetData(v)), n)
	child := mapping.VectorGetData(mapping.ListVectorGetChild(v)) // after the reserve, which may move it
	off := 0
	switch flat := any(c.flat).(type) {
	case []string:
		dst := unsafe.Slice((*duckString)(child), total)
		for i, r := range rows {
			entries[i] = duckListEntry{uint64(off), uint64(r.n)}
			for _, s := range flat[r.off : r.off+r.n] {
				a.str(&dst[off], s)
				off++
			}
		}
	case []uint8:
		fillList(unsafe.Slice((*uint8)(child), total), entries, rows, flat)
	case []uint64:
		fillList(unsafe.Slice((*uint64)(child), total), entries, rows, flat)
	case []float64:
		fillList(unsafe.Slice((*float64)(child), total), entries, rows, flat)
	}
	return nil
}

// fillList copies the fixed-width values of rows into a list vector's child.
func fillList[T fixed](dst []T, entries []duckListEntry, rows []listRange, flat []T) {
	off := 0
	for i, r := range rows {
		entries[i] = duckListEntry{uint64(off), uint64(r.n)}
		off += copy(dst[off:], flat[r.off:r.off+r.n])
	}
}

// chunkTable is the rows of one table in a batch: its columns in DDL order.
type chunkTable interface {
	len() int
	columns() []chunkColumn
}

// appendTable appends the rows of tabs to catalog.main.name through one C
// API appender on conn; in an open transaction the rows join it.
func appendTable(conn mapping.Connection, catalog, name string, tabs ...chunkTable) (err error) {
	total := 0
	for _, t := range tabs {
		total += t.len()
	}
	if total == 0 {
		return nil
	}
	var app mapping.Appender
	if mapping.AppenderCreateExt(conn, catalog, "main", name, &app) == mapping.StateError {
		err := errors.New(mapping.AppenderError(app))
		mapping.AppenderDestroy(&app)
		return fmt.Errorf("%s appender: %w", name, err)
	}
	defer func() {
		if mapping.AppenderDestroy(&app) == mapping.StateError && err == nil {
			err = fmt.Errorf("%s appender: destroy failed", name)
		}
	}()
	types := make([]mapping.LogicalType, mapping.AppenderColumnCount(app))
	for i := range types {
		types[i] = mapping.AppenderColumnType(app, mapping.IdxT(i))
	}
	defer func() {
		for i := range types {
			mapping.DestroyLogicalType(&types[i])
		}
	}()
	var a arena
	defer a.release()
	size := int(mapping.VectorSize())
	for _, t := range tabs {
		cols := t.columns()
		if len(cols) != len(types) {
			return fmt.Errorf("append %s: %d columns, table has %d", name, len(cols), len(types))
		}
		for i, c := range cols {
			if err := c.check(types[i]); err != nil {
				return fmt.Errorf("append %s: column %d: %w", name, i+1, err)
			}
		}
		for from := 0; from < t.len(); from += size {
			n := min(size, t.len()-from)
			if err := appendChunk(app, types, cols, from, n, &a); err != nil {
				return fmt.Errorf("append %s: %w", name, err)
			}
		}
	}
	if mapping.AppenderClose(app) == mapping.StateError {
		return fmt.Errorf("append %s: %s", name, mapping.AppenderError(app))
	}
	return nil
}

// appendChunk appends rows [from, from+n) of cols as one data chunk.
func appendChunk(app mapping.Appender, types []mapping.LogicalType, cols []chunkColumn, from, n int, a *arena) error {
	chunk := mapping.CreateDataChunk(types)
	defer mapping.DestroyDataChunk(&chunk)
	defer a.reset()
	for i, c := range cols {
		if err := c.fill(mapping.DataChunkGetVector(chunk, mapping.IdxT(i)), from, n, a); err != nil {
			return fmt.Errorf("column %d: %w", i+1, err)
		}
	}
	mapping.DataChunkSetSize(chunk, mapping.IdxT(n))
	if mapping.AppendDataChunk(app, chunk) == mapping.StateError {
		return errors.New(mapping.AppenderError(app))
	}
	return nil
}
