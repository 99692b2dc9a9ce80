package duckdb

import (
	"cmp"
	"context"
	"fmt"
	"lookout/internal/model"
	"lookout/internal/store/sqlbuild"
	"math"
	"strconv"
	"strings"

	"lookout/internal/query"
)

// bubbleUpTopValues is how many values per column the store reports.
const bubbleUpTopValues = 50

// defaultBubbleUpSample is Config.BubbleUpSample's default.
const defaultBubbleUpSample = 250_000

// sampledSpans is the FROM source of a scan that should yield about
// sample of its n matching spans: the view when n is small enough,
// else each partition's spans table with a system sample. DuckDB pushes a
// system sample into the table scan (whole vectors of 2,048 rows are skipped
// unread), where a sample over the view, or a filter on a hash, would still
// decode every row's attribute lists, the cost that dominates BubbleUp.
// The percentage is computed here, not taken from the request.
func sampledSpans(parts []string, n, sample int64) string {
	if n <= sample || len(parts) == 0 {
		return spansView
	}
	pct := strconv.FormatFloat(100*float64(sample)/float64(n), 'f', 6, 64)
	var b strings.Builder
	b.WriteString("(")
	for i, c := range parts {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		// A fixed seed: the same BubbleUp on the same data gives the same answer.
		b.WriteString("SELECT * FROM " + c + ".main.spans TABLESAMPLE " + pct + "% (system, 7)")
	}
	b.WriteString(")")
	return b.String()
}

// BubbleUp implements store.Querier: one scan counts the sides, then one
// scan per side counts the values of every column. Columns are the span fields
// service.name, name, status_code, span.kind, error, duration_ms (in bins
// [2^(k/4), 2^((k+1)/4)) ms, 19% wide), library.name, and every span and
// resource attribute key (a key present in both counts once per list).
// Per column, the values that differ most between the sides are kept.
// Sides larger than Config.BubbleUpSample spans are sampled (see sampledSpans),
// so their counts are then estimates.
func (s *Store) BubbleUp(ctx context.Context, project string, q query.Query, sel query.Selection) (query.BubbleUpResult, error) {
	if err := q.Validate(); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	if err := query.ValidateSelection(sel); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	ctx, cancel := budget(ctx)
	defer cancel()
	release, err := s.acquire()
	if err != nil {
		return query.BubbleUpResult{}, err
	}
	defer release()

	b := s.sqlFor(query.SourceSpans)
	inside := b.selection(sel)
	where := b.scope(project, q) + " AND " + b.filters(q.Filters, q.FilterCombination)
	var nIn, nOut int64
	err = s.db.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE "+inside+"), count(*) FILTER (WHERE NOT "+inside+
		") FROM "+spansView+" WHERE "+where, b.args...).Scan(&nIn, &nOut)
	if err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: totals: %w", err)
	}
	if nIn == 0 {
		return query.BubbleUpResult{Outside: nOut}, nil
	}
	fixed := []string{query.ColService, query.ColName, query.ColStatusCode, query.ColKind, query.ColError, query.ColLibraryName}
	var keys, vals, kinds string
	for _, name := range fixed {
		keys += b.arg(name) + ", "
		vals += b.col(name).text + ", "
		kinds += strconv.Itoa(int(fieldKind(name))) + ", "
	}
	kinds += strconv.Itoa(int(model.KindDouble)) // the duration bins
	// duration bins: k = floor(4 log2(ms)), the bin [2^(k/4), 2^((k+1)/4)).
	dur := "CAST(floor(log2(greatest(duration_ns, 1) / 1e6) * 4) AS BIGINT)"
	durKey := b.arg(query.ColDuration) // every span has a duration: its counts are the side sizes
	keys += durKey
	vals += "CAST(" + dur + " AS VARCHAR)"
	// Each side is read from its own scan, sampled down to about
	// Config.BubbleUpSample spans when larger (see sampledSpans); the counts are
	// scaled back up below.
	parts := s.partsIn(q.Start, q.End)
	sample := cmp.Or(s.cfg.BubbleUpSample, defaultBubbleUpSample)
	cols := "service, name, status_code, kind, scope_name, duration_ns, attr_keys, attr_values, attr_types, res_keys, res_values, res_types"
	side := func(in bool, n int64) string {
		cond := "NOT " + inside
		if in {
			cond = inside + " AND " + b.selectionBounds(sel)
		}
		return "SELECT " + strconv.FormatBool(in) + " AS inside, " + cols + " FROM " + sampledSpans(parts, n, sample) +
			" WHERE " + where + " AND " + cond
	}
	stmt := `WITH src AS (` + side(true, nIn) + `
	UNION ALL ` + side(false, nOut) + `),
kv AS (SELECT inside,
		unnest(list_concat(list_concat([` + keys + `], attr_keys), list_filter(res_keys, k -> k <> 'service.name'))) AS col,
		unnest(list_concat(list_concat([` + vals + `], attr_values), list_filter(res_values, (v, i) -> res_keys[i] <> 'service.name'))) AS val,
		unnest(list_concat(list_concat([` + kinds + `]::UTINYINT[], attr_types), list_filter(res_types, (t, i) -> res_keys[i] <> 'service.name'))) AS vkind
	FROM src),
counts AS (SELECT col, val, min(vkind) AS vkind, count(*) FILTER (WHERE inside) AS n_in, count(*) FILTER (WHERE NOT inside) AS n_out
	FROM kv WHERE val IS NOT NULL GROUP BY col, val),
sides AS (SELECT greatest(sum(n_in), 1) AS s_in, greatest(sum(n_out), 1) AS s_out FROM counts WHERE col = ` + durKey + `),
ranked AS (SELECT counts.*, row_number() OVER (PARTITION BY col ORDER BY abs(n_in / s_in - n_out / s_out) DESC, n_in + n_out DESC, val) AS rn,
	count(*) OVER (PARTITION BY col) AS distinct_n, sum(n_in) OVER (PARTITION BY col) AS col_in, sum(n_out) OVER (PARTITION BY col) AS col_out
	FROM counts, sides)
SELECT col, val, vkind, n_in, n_out, col_in, col_out, distinct_n FROM ranked WHERE rn <= ` + b.arg(bubbleUpTopValues) + ` ORDER BY col, rn`
	rows, err := s.db.QueryContext(ctx, stmt, b.args...)
	if err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	defer rows.Close()
	var counts []query.ValueCount
	for rows.Next() {
		var c query.ValueCount
		var val string
		var kind uint8
		var colIn, colOut float64
		if err := rows.Scan(&c.Column, &val, &kind, &c.Inside, &c.Outside, &colIn, &colOut, &c.Distinct); err != nil {
			return query.BubbleUpResult{}, fmt.Errorf("bubbleup: scan: %w", err)
		}
		c.ColumnInside, c.ColumnOutside = int64(colIn), int64(colOut)
		sqlbuild.SetValue(&c, val, model.ValueKind(kind))
		counts = append(counts, c)
	}
	if err := rows.Err(); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	sqlbuild.ScaleSampled(counts, nIn, nOut)
	return query.RankBubbleUp(nIn, nOut, counts), nil
}

// fieldKind is the value kind of a span field in BubbleUp's comparison.
func fieldKind(name string) model.ValueKind {
	switch name {
	case query.ColStatusCode:
		return model.KindInt
	case query.ColError:
		return model.KindBool
	}
	return model.KindString
}

// selectionBounds returns conditions implied by the selection on the plain
// columns start_ns and duration_ns, which DuckDB pushes into the scan: zone
// maps then skip the row groups outside them, so a small selection is read
// without decoding the whole store.
func (b *sqlb) selectionBounds(sel query.Selection) string {
	cond := "true"
	if !sel.Start.IsZero() {
		cond += " AND start_ns >= " + b.arg(sel.Start.UnixNano())
	}
	if !sel.End.IsZero() {
		cond += " AND start_ns < " + b.arg(sel.End.UnixNano())
	}
	if sel.Column == query.ColDuration {
		// One nanosecond of slack on each side absorbs the rounding of
		// duration_ns / 1e6.
		if sel.Min != nil && *sel.Min*1e6 > math.MinInt64/2 && *sel.Min*1e6 < math.MaxInt64/2 {
			cond += " AND duration_ns >= " + b.arg(int64(math.Floor(*sel.Min*1e6))-1)
		}
		if sel.Max != nil && *sel.Max*1e6 > math.MinInt64/2 && *sel.Max*1e6 < math.MaxInt64/2 {
			cond += " AND duration_ns <= " + b.arg(int64(math.Ceil(*sel.Max*1e6))+1)
		}
	}
	return cond
}

// selection returns the condition that puts a span inside the selection.
func (b *sqlb) selection(sel query.Selection) string { return sqlbuild.Selection(sq, b, sel) }
