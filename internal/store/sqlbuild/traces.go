package sqlbuild

import (
	"strconv"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// DefaultTraceLimit is the number of summaries SearchTraces returns when
// the query sets no limit.
const DefaultTraceLimit = 20

// SearchReach is how far before and after a search window spans are read:
// a trace whose spans all start more than that before the window is not
// found, and a trace longer than that is summarised from the spans within
// reach.
const SearchReach = time.Hour

// Tag adds the condition of one search tag. "service.name" reads the
// service column, which also matches spans whose sender set none
// (model.UnknownService). Other keys match a span attribute or a resource
// attribute of that key, rendered as text.
func (w *Where) Tag(t store.Tag) *Where {
	switch t.Key {
	case "name":
		return w.Add("name = ?", t.Value)
	case "status":
		code, ok := model.ParseStatusCode(t.Value)
		if !ok {
			return w.Add(w.d.Bool(false))
		}
		return w.Add("status_code = ?", int32(code))
	case "service.name":
		return w.Add("service = ?", t.Value)
	}
	return w.Add("("+w.d.AttrIs("attr_", "?", "?")+" OR "+w.d.AttrIs("res_", "?", "?")+")", t.Key, t.Value, t.Key, t.Value)
}

// SearchTraces is the statement of store.TraceReader's SearchTraces, read
// with ScanSummary. The tags select traces by one span that satisfies them
// all; the time window and durations then apply to the whole trace (first
// start to last end), aggregated over the candidate traces' spans within
// SearchReach of the window, so a search costs what its window holds
// rather than the whole store. The root is the parentless span that starts
// first (ties broken by span id), else the earliest span.
func SearchTraces(d Dialect, q store.TraceQuery) (string, []any) {
	reach := NewWhere(d)
	reach.Add("project = ?", q.Project)
	if !q.Start.IsZero() {
		reach.Add("start_ns >= ?", q.Start.Add(-SearchReach).UnixNano())
	}
	if !q.End.IsZero() {
		reach.Add("start_ns < ?", q.End.Add(SearchReach).UnixNano())
	}
	spans := d.Table("spans")
	from := Cond{SQL: spans}
	if len(q.Tags) > 0 {
		hits := NewWhere(d).AddCond(reach.Cond())
		for _, t := range q.Tags {
			hits.Tag(t)
		}
		var cond Cond
		from, cond = d.TracesOf(spans, hits.Cond())
		reach.AddCond(cond)
	}
	outer := NewWhere(d)
	if !q.End.IsZero() {
		outer.Add("ts < ?", q.End.UnixNano())
	}
	if !q.Start.IsZero() {
		outer.Add("te >= ?", q.Start.UnixNano())
	}
	if q.MinDuration > 0 {
		outer.Add("dur >= ?", q.MinDuration.Nanoseconds())
	}
	if q.MaxDuration > 0 {
		outer.Add("dur <= ?", q.MaxDuration.Nanoseconds())
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultTraceLimit
	}
	root := func(col string) string { return d.ArgMin(col, "parent_span_id != 0", "start_ns", "span_id") }
	stmt := `SELECT trace_hi, trace_lo, root_service, root_name, ts, dur, n, errs FROM (
	SELECT trace_hi, trace_lo, min(start_ns) AS ts, max(end_ns) AS te, greatest(max(end_ns) - min(start_ns), 0) AS dur,
		` + d.Int64("count(*)") + ` AS n, ` + d.Int64(d.CountIf("status_code = 2")) + ` AS errs,
		` + root("service") + ` AS root_service, ` + root("name") + ` AS root_name
	FROM ` + from.SQL + ` WHERE ` + reach.String() + ` GROUP BY trace_hi, trace_lo
) WHERE ` + outer.String() + ` ORDER BY ts DESC, trace_hi, trace_lo LIMIT ?`
	args := append(append(append(from.Args, reach.Args()...), outer.Args()...), limit)
	return stmt, args
}

// ScanSummary reads a row of SearchTraces.
func ScanSummary[R Rows](rows R) (store.TraceSummary, error) {
	var ts store.TraceSummary
	var hi, lo int64
	if err := rows.Scan(&hi, &lo, &ts.RootServiceName, &ts.RootTraceName, &ts.StartUnixNano,
		&ts.DurationNano, &ts.SpanCount, &ts.ErrorCount); err != nil {
		return ts, err
	}
	ts.TraceID = rowcodec.TraceFromHalves(hi, lo)
	return ts, nil
}

// Services is the statement of store.TraceReader's Services, read with
// ScanServiceStat: spans (by start) and log events (by time) per service in
// [start, end), ordered by name.
func Services(d Dialect, project string, start, end time.Time) (string, []any) {
	sw := NewWhere(d).Add("project = ?", project).Window("start_ns", start, end)
	lw := NewWhere(d).Add("project = ?", project).Window("time_ns", start, end)
	count, zero := d.Int64("count(*)"), d.Int64("0")
	return `SELECT service, ` + d.Int64("sum(sc)") + `, ` + d.Int64("sum(lc)") + ` FROM (
	SELECT service, ` + count + ` AS sc, ` + zero + ` AS lc FROM ` + d.Table("spans") + ` WHERE ` + sw.String() + ` GROUP BY service
	UNION ALL
	SELECT service, ` + zero + ` AS sc, ` + count + ` AS lc FROM ` + d.Table("logs") + ` WHERE ` + lw.String() + ` GROUP BY service
) GROUP BY service ORDER BY service`, append(sw.Args(), lw.Args()...)
}

// ScanServiceStat reads a row of Services.
func ScanServiceStat[R Rows](rows R) (store.ServiceStat, error) {
	var st store.ServiceStat
	err := rows.Scan(&st.Name, &st.SpanCount, &st.LogCount)
	return st, err
}

// ScanTraceRef reads a (trace_hi, trace_lo, start) row.
func ScanTraceRef[R Rows](rows R) (query.TraceRef, error) {
	var hi, lo, ts int64
	if err := rows.Scan(&hi, &lo, &ts); err != nil {
		return query.TraceRef{}, err
	}
	return query.TraceRef{ID: rowcodec.TraceFromHalves(hi, lo), Start: ts}, nil
}

// TraceStarts is the statement of store.TraceScanner's TraceStarts, read
// with ScanTraceRef: traces by their first start in the window, latest
// first, ties by the trace id's halves, descending, as signed integers.
func TraceStarts(d Dialect, q store.TraceStartQuery) (string, []any) {
	w := NewWhere(d).Add("project = ?", q.Project).Window("start_ns", q.Start, q.End)
	if q.Service != "" {
		w.Add("service = ?", q.Service)
	}
	stmt := "SELECT trace_hi, trace_lo, min(start_ns) AS ts FROM " + d.Table("spans") + " WHERE " + w.String() +
		" GROUP BY trace_hi, trace_lo"
	args := w.Args()
	if q.After != nil {
		hi, lo := rowcodec.TraceHalves(q.After.ID)
		stmt += " HAVING (min(start_ns), trace_hi, trace_lo) < (?, ?, ?)"
		args = append(args, q.After.Start, hi, lo)
	}
	return stmt + " ORDER BY ts DESC, trace_hi DESC, trace_lo DESC LIMIT ?", append(args, q.Limit)
}

// TraceHalves renders the halves of ids as two SQL lists of integer
// literals, for trace_hi IN (...) AND trace_lo IN (...): inlined rather
// than bound, as the engines prune by constants (DuckDB's zone maps) and a
// client may bind a slice as one array. The pairs match more than ids
// (halves of two different ids): ByTrace drops those.
func TraceHalves(ids []model.TraceID) (his, los string) {
	var h, l strings.Builder
	for i, id := range ids {
		if i > 0 {
			h.WriteString(", ")
			l.WriteString(", ")
		}
		hi, lo := rowcodec.TraceHalves(id)
		h.WriteString(strconv.FormatInt(hi, 10))
		l.WriteString(strconv.FormatInt(lo, 10))
	}
	return h.String(), l.String()
}
