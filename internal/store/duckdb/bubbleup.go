package duckdb

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"lookout/internal/query"
)

// bubbleUpTopValues is how many values per column the store reports.
const bubbleUpTopValues = 50

// bubbleUpSample is the number of spans per side above which BubbleUp
// compares hash samples of the side instead of every span.
const bubbleUpSample = 250_000

// BubbleUp implements store.Querier in two scans: the side totals, then the
// value counts of every column on each side. Columns are the span fields
// service.name, name, status_code, span.kind, error, duration_ms (in bins
// [2^(k/4), 2^((k+1)/4)) ms, 19% wide), library.name, and every span and
// resource attribute key (a key present in both counts once per list).
// Per column, the values that differ most between the sides are kept.
// Sides larger than bubbleUpSample spans are sampled (by span id hash),
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

	b := &sqlb{}
	inside := b.selection(sel)
	base := "SELECT " + inside + " AS inside, span_id, service, name, status_code, kind, scope_name, duration_ns, " +
		"attr_keys, attr_values, res_keys, res_values FROM " + spansView + " WHERE " + b.scope(project, q) +
		" AND " + b.filters(q.Filters, q.FilterCombination)
	var nIn, nOut int64
	err = s.db.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE inside), count(*) FILTER (WHERE NOT inside) FROM ("+
		base+")", b.args...).Scan(&nIn, &nOut)
	if err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: totals: %w", err)
	}
	if nIn == 0 {
		return query.BubbleUpResult{Outside: nOut}, nil
	}
	fixed := []string{query.ColService, query.ColName, query.ColStatusCode, query.ColKind, query.ColError, query.ColLibraryName}
	var keys, vals string
	for _, name := range fixed {
		keys += b.arg(name) + ", "
		vals += b.col(name).text + ", "
	}
	// duration bins: k = floor(4 log2(ms)), the bin [2^(k/4), 2^((k+1)/4)).
	dur := "CAST(floor(log2(greatest(duration_ns, 1) / 1e6) * 4) AS BIGINT)"
	keys += b.arg(query.ColDuration)
	vals += "CAST(" + dur + " AS VARCHAR)"
	// Each side is sampled down to about bubbleUpSample spans by a hash of
	// the span id; counts are scaled back up below.
	kIn, kOut := (nIn+bubbleUpSample-1)/bubbleUpSample, max((nOut+bubbleUpSample-1)/bubbleUpSample, 1)
	sample := "CASE WHEN inside THEN hash(span_id) % " + b.arg(kIn) + " = 0 ELSE hash(span_id) % " + b.arg(kOut) + " = 0 END"
	wIn, wOut := b.arg(float64(kIn)/float64(nIn)), b.arg(float64(kOut)/float64(max(nOut, 1)))
	stmt := `WITH kv AS (SELECT inside,
		unnest(list_concat(list_concat([` + keys + `], attr_keys), list_filter(res_keys, k -> k <> 'service.name'))) AS col,
		unnest(list_concat(list_concat([` + vals + `], attr_values), list_filter(res_values, (v, i) -> res_keys[i] <> 'service.name'))) AS val
	FROM (` + base + `) WHERE ` + sample + `),
counts AS (SELECT col, val, count(*) FILTER (WHERE inside) AS n_in, count(*) FILTER (WHERE NOT inside) AS n_out
	FROM kv WHERE val IS NOT NULL GROUP BY col, val),
ranked AS (SELECT *, row_number() OVER (PARTITION BY col ORDER BY abs(n_in * ` + wIn + ` - n_out * ` + wOut + `) DESC, n_in + n_out DESC, val) AS rn,
	count(*) OVER (PARTITION BY col) AS distinct_n, sum(n_in) OVER (PARTITION BY col) AS col_in, sum(n_out) OVER (PARTITION BY col) AS col_out
	FROM counts)
SELECT col, val, n_in, n_out, col_in, col_out, distinct_n FROM ranked WHERE rn <= ` + b.arg(bubbleUpTopValues) + ` ORDER BY col, rn`
	rows, err := s.db.QueryContext(ctx, stmt, b.args...)
	if err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	defer rows.Close()
	var counts []query.ValueCount
	for rows.Next() {
		var c query.ValueCount
		var val string
		var colIn, colOut float64
		if err := rows.Scan(&c.Column, &val, &c.Inside, &c.Outside, &colIn, &colOut, &c.Distinct); err != nil {
			return query.BubbleUpResult{}, fmt.Errorf("bubbleup: scan: %w", err)
		}
		c.ColumnInside, c.ColumnOutside, c.Value = int64(colIn), int64(colOut), val
		if c.Column == query.ColDuration {
			k, _ := strconv.ParseFloat(val, 64)
			c.Value, c.Max, c.Binned = math.Pow(2, k/4), math.Pow(2, (k+1)/4), true
		}
		counts = append(counts, c)
	}
	if err := rows.Err(); err != nil {
		return query.BubbleUpResult{}, fmt.Errorf("bubbleup: %w", err)
	}
	// Every span has exactly one service.name: its column sums are the
	// sampled side sizes, by which the sampled counts scale to estimates.
	var sIn, sOut int64
	for _, c := range counts {
		if c.Column == query.ColService {
			sIn, sOut = c.ColumnInside, c.ColumnOutside
			break
		}
	}
	scale := func(n, sampled, total int64) int64 {
		if sampled == 0 || sampled == total {
			return n
		}
		return int64(math.Round(float64(n) * float64(total) / float64(sampled)))
	}
	for i := range counts {
		c := &counts[i]
		c.Inside, c.ColumnInside = scale(c.Inside, sIn, nIn), scale(c.ColumnInside, sIn, nIn)
		c.Outside, c.ColumnOutside = scale(c.Outside, sOut, nOut), scale(c.ColumnOutside, sOut, nOut)
	}
	return query.RankBubbleUp(nIn, nOut, counts), nil
}

// selection returns the condition that puts a span inside the selection.
func (b *sqlb) selection(sel query.Selection) string {
	cond := "true"
	if !sel.Start.IsZero() {
		cond += " AND start_ns >= " + b.arg(sel.Start.UnixNano())
	}
	if !sel.End.IsZero() {
		cond += " AND start_ns < " + b.arg(sel.End.UnixNano())
	}
	if sel.Min != nil || sel.Max != nil {
		num := b.col(sel.Column).num
		if sel.Min != nil {
			cond += " AND " + num + " >= " + b.arg(*sel.Min)
		}
		if sel.Max != nil {
			cond += " AND " + num + " <= " + b.arg(*sel.Max)
		}
	}
	if len(sel.Filters) > 0 {
		cond += " AND " + b.filters(sel.Filters, sel.FilterCombination)
	}
	return "coalesce(" + cond + ", false)"
}
