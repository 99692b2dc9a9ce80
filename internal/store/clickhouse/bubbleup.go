package clickhouse

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store/sqlbuild"
)

// bubbleUpTopValues is how many values per column the store reports.
const bubbleUpTopValues = 50

// bubbleUpSample is the number of spans per side above which BubbleUp
// reads a sample of the side.
const bubbleUpSample = 250_000

// BubbleUp implements store.Querier: one scan counts the sides, then one
// scan counts the values of every column on both sides. Columns are the
// span fields service.name, name, status_code, span.kind, error,
// library.name, duration_ms (in bins [2^(k/4), 2^((k+1)/4)) ms, 19%
// wide) and every span and resource attribute key (a key present in both
// counts once per list). Per column, the values that differ most between
// the sides are kept (chosen in ClickHouse, by arraySort over the
// column's values). A side larger than bubbleUpSample spans is sampled by
// a hash of the span, the same spans every time, and its counts scaled up.
func (s *Store) BubbleUp(ctx context.Context, project string, q query.Query, sel query.Selection) (query.BubbleUpResult, error) {
	if err := q.Validate(); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	if err := query.ValidateSelection(sel); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	if err := s.check(); err != nil {
		return query.BubbleUpResult{}, err
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()

	b := newSQL(query.SourceSpans)
	inside := b.selection(sel)
	where := b.scope(project, q) + " AND " + b.filters(q.Filters, q.FilterCombination)
	var nIn, nOut uint64
	if err := s.conn.QueryRow(ctx, "SELECT countIf("+inside+"), countIf(NOT "+inside+") FROM spans WHERE "+where, b.args...).
		Scan(&nIn, &nOut); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: totals: %w", err)
	}
	if nIn == 0 {
		return query.BubbleUpResult{Outside: int64(nOut)}, nil
	}
	rate := func(n uint64) float64 { return math.Min(1, bubbleUpSample/float64(max(n, 1))) }
	rIn, rOut := rate(nIn), rate(nOut)

	// The fixed fields first, as (column, value as text, value kind).
	field := func(name, text string, kind model.ValueKind) string {
		return "(" + b.arg(name) + ", " + text + ", toUInt8(" + strconv.Itoa(int(kind)) + "))"
	}
	fixed := []string{
		field(query.ColService, "service", model.KindString),
		field(query.ColName, "name", model.KindString),
		field(query.ColStatusCode, "toString(status_code)", model.KindInt),
		field(query.ColKind, kindNames, model.KindString),
		field(query.ColError, "if(status_code = 2, 'true', 'false')", model.KindBool),
		field(query.ColLibraryName, "scope_name", model.KindString),
		// duration bins: k = floor(4 log2(ms)), the bin [2^(k/4), 2^((k+1)/4)).
		field(query.ColDuration, "toString(toInt64(floor(log2(greatest(duration_ns, 1) / 1e6) * 4)))", model.KindDouble),
	}
	lib, svc := b.arg(query.ColLibraryName), b.arg(query.ColService)
	pairs := "arrayConcat([" + strings.Join(fixed, ", ") + "], " +
		"arrayMap((k, v, t) -> (k, v, t), attr_keys, attr_values, attr_types), " +
		"arrayFilter(x -> x.1 != " + svc + ", arrayMap((k, v, t) -> (k, v, t), res_keys, res_values, res_types)))"
	sample := "1"
	if rIn < 1 || rOut < 1 {
		h := "(cityHash64(trace_hi, trace_lo, span_id, start_ns) % 1000000)"
		sample = "if(" + inside + ", " + h + " < " + b.arg(int64(rIn*1e6)) + ", " + h + " < " + b.arg(int64(rOut*1e6)) + ")"
	}
	sIn, sOut := b.arg(float64(nIn)*rIn), b.arg(float64(nOut)*rOut)
	sql := `SELECT col, x.1 AS val, x.2 AS vkind, x.3 AS n_in, x.4 AS n_out, col_in, col_out, distinct_n FROM (
	SELECT col, sum(n_in) AS col_in, sum(n_out) AS col_out, count() AS distinct_n,
		arraySlice(arraySort(v -> (-abs(v.3 / ` + sIn + ` - v.4 / ` + sOut + `), -(v.3 + v.4), v.1),
			groupArray((val, vkind, n_in, n_out))), 1, ` + b.arg(bubbleUpTopValues) + `) AS top
	FROM (
		SELECT kv.1 AS col, kv.2 AS val, min(kv.3) AS vkind, countIf(inside) AS n_in, countIf(NOT inside) AS n_out
		FROM (SELECT ` + inside + ` AS inside, arrayJoin(` + pairs + `) AS kv FROM spans WHERE ` + where + ` AND ` + sample + `)
		WHERE NOT (col = ` + lib + ` AND val = '')
		GROUP BY col, val
	) GROUP BY col
) ARRAY JOIN top AS x ORDER BY col`
	rows, err := s.conn.Query(ctx, sql, b.args...)
	if err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	defer rows.Close()
	var counts []query.ValueCount
	for rows.Next() {
		var c query.ValueCount
		var val string
		var kind uint8
		var in, out, colIn, colOut, distinct uint64
		if err := rows.Scan(&c.Column, &val, &kind, &in, &out, &colIn, &colOut, &distinct); err != nil {
			return query.BubbleUpResult{}, fmt.Errorf("bubbleup: scan: %w", err)
		}
		c.Inside, c.Outside, c.ColumnInside, c.ColumnOutside, c.Distinct = int64(in), int64(out), int64(colIn), int64(colOut), int64(distinct)
		sqlbuild.SetValue(&c, val, model.ValueKind(kind))
		counts = append(counts, c)
	}
	if err := rows.Err(); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	sqlbuild.ScaleSampled(counts, int64(nIn), int64(nOut))
	return query.RankBubbleUp(int64(nIn), int64(nOut), counts), nil
}

// selection returns the condition that puts a span inside the selection.
func (b *sqlb) selection(sel query.Selection) string { return sqlbuild.Selection(sq, b, sel) }
