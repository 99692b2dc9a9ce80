package clickhouse

import (
	"fmt"
	"reflect"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"lookout/internal/model"
	"lookout/internal/store/rowcodec"
)

// Query answers have columns whose types depend on the query (Nullable
// where a column may be absent, integer widths, arrays of per-bucket
// values): they are scanned into the types the client chooses and turned
// into the query model's plain values here.

// scanAny scans the current row into a map from column name to value.
func scanAny(rows driver.Rows) (map[string]any, error) {
	types := rows.ColumnTypes()
	dest := make([]any, len(types))
	for i, ct := range types {
		dest[i] = reflect.New(ct.ScanType()).Interface()
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	out := make(map[string]any, len(types))
	for i, ct := range types {
		out[ct.Name()] = reflect.ValueOf(dest[i]).Elem().Interface()
	}
	return out, nil
}

// plainOf returns v as a query value: nil for a NULL, integers as int64,
// floats as float64, other values as they are.
func plainOf(v any) any {
	r := reflect.ValueOf(v)
	for r.Kind() == reflect.Pointer {
		if r.IsNil() {
			return nil
		}
		r = r.Elem()
	}
	switch r.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(r.Uint())
	case reflect.Float32, reflect.Float64:
		return r.Float()
	case reflect.String:
		return r.String()
	case reflect.Bool:
		return r.Bool()
	}
	return r.Interface()
}

// anys returns the elements of a slice; nil for anything else.
func anys(v any) []any {
	r := reflect.ValueOf(v)
	if r.Kind() != reflect.Slice {
		return nil
	}
	out := make([]any, r.Len())
	for i := range out {
		out[i] = r.Index(i).Interface()
	}
	return out
}

// ints returns the elements of a slice of integers as int64; nil for
// anything else.
func ints(v any) []int64 {
	vs := anys(v)
	if vs == nil {
		return nil
	}
	out := make([]int64, len(vs))
	for i, x := range vs {
		out[i], _ = plainOf(x).(int64)
	}
	return out
}

// typedValue turns an attribute's stored text back into its type (kind, a
// model.ValueKind as scanned); text that does not parse stays text.
func typedValue(v, kind any) any {
	k, _ := plainOf(kind).(int64)
	return rowcodec.TypedText(v, model.ValueKind(k))
}
