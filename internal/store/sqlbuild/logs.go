package sqlbuild

import (
	"strings"

	"lookout/internal/query"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
)

// DefaultLogLimit is the number of events a log read yields when the query
// sets no limit.
const DefaultLogLimit = 100

// Logs is the statement of store.TelemetryReader's Logs: columns of the
// matching events ordered by time (ties by observed time). Text matches a
// case-insensitive substring of the body text.
func Logs(d Dialect, columns string, q store.LogQuery) (string, []any) {
	w := NewWhere(d)
	w.Add("project = ?", q.Project)
	w.Window("time_ns", q.Start, q.End)
	if q.Service != "" {
		w.Add("service = ?", q.Service)
	}
	if q.LogGroup != "" {
		w.Add("log_group = ?", q.LogGroup)
	}
	if q.LogStream != "" {
		w.Add("log_stream = ?", q.LogStream)
	}
	if q.MinSeverity != 0 {
		w.Add("severity_number >= ?", q.MinSeverity)
	}
	if !q.TraceID.IsZero() {
		hi, lo := rowcodec.TraceHalves(q.TraceID)
		w.Add("trace_hi = ? AND trace_lo = ?", hi, lo)
	}
	if q.Text != "" {
		w.Add(d.ContainsFold("body_text", "?"), q.Text)
	}
	order := "time_ns, observed_ns"
	if q.Descending {
		order = "time_ns DESC, observed_ns DESC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLogLimit
	}
	return "SELECT " + columns + " FROM " + d.Table("logs") + " WHERE " + w.String() +
		" ORDER BY " + order + " LIMIT ?", append(w.Args(), limit)
}

// GroupEvents is the statement of store.LogGroupEvents' GroupEvents: rows
// of (time_ns, observed_ns, log_stream, body_text) in position order, read
// with ScanGroupEvent. The store stamps a unique observed time on each
// event, so (time_ns, observed_ns, log_stream) orders events totally and
// names a position. leaf renders the tests of q.Match the engine can run
// (see Prefilter).
func GroupEvents(d Dialect, q store.GroupEventQuery, leaf func(*query.TextMatch) Cond) (string, []any) {
	w := NewWhere(d)
	w.Add("project = ?", q.Project)
	w.Add("log_group = ?", q.Group)
	if len(q.Streams) > 0 {
		w.In("log_stream", q.Streams)
	}
	if q.StreamPrefix != "" {
		w.Add(d.StartsWith("log_stream", "?"), q.StreamPrefix)
	}
	if q.StartNano != 0 {
		w.Add("time_ns >= ?", q.StartNano)
	}
	if q.EndNano != 0 {
		w.Add("time_ns < ?", q.EndNano)
	}
	// Each position adds a plain bound on time_ns, which the engines prune
	// by (zone maps, the primary key), before the exact comparison.
	if p := q.After; p != nil {
		w.Add("time_ns >= ?", p.TimeNano)
		w.Add("(time_ns > ? OR (time_ns = ? AND (observed_ns > ? OR (observed_ns = ? AND log_stream > ?))))",
			p.TimeNano, p.TimeNano, p.ObservedNano, p.ObservedNano, p.Stream)
	}
	if p := q.Before; p != nil {
		w.Add("time_ns <= ?", p.TimeNano)
		w.Add("(time_ns < ? OR (time_ns = ? AND (observed_ns < ? OR (observed_ns = ? AND log_stream < ?))))",
			p.TimeNano, p.TimeNano, p.ObservedNano, p.ObservedNano, p.Stream)
	}
	for _, c := range q.Contains {
		w.Add(d.Contains("body_text", "?"), c)
	}
	if q.Match != nil {
		w.AddCond(Prefilter(q.Match, leaf))
	}
	order := "time_ns, observed_ns, log_stream"
	if q.Descending {
		order = "time_ns DESC, observed_ns DESC, log_stream DESC"
	}
	stmt := "SELECT time_ns, observed_ns, log_stream, body_text FROM " + d.Table("logs") +
		" WHERE " + w.String() + " ORDER BY " + order
	args := w.Args()
	if q.Limit > 0 {
		stmt += " LIMIT ?"
		args = append(args, q.Limit)
	}
	return stmt, args
}

// ScanGroupEvent reads a row of GroupEvents.
func ScanGroupEvent[R Rows](rows R) (store.GroupEvent, error) {
	var e store.GroupEvent
	err := rows.Scan(&e.TimeNano, &e.ObservedNano, &e.Stream, &e.Message)
	return e, err
}

// Prefilter renders a TextMatch as one condition on the message: AND and OR
// nodes here, the tests through leaf (an empty Cond for a test it cannot
// render). The empty Cond means no condition: a node it cannot render holds
// for every row, so the rows read may be a superset of the matches.
func Prefilter(f *query.TextMatch, leaf func(*query.TextMatch) Cond) Cond {
	if f.Op != query.MatchAnd && f.Op != query.MatchOr {
		return leaf(f)
	}
	var parts []string
	var args []any
	for _, c := range f.Children {
		cond := Prefilter(c, leaf)
		if cond.SQL == "" {
			if f.Op == query.MatchOr {
				return Cond{} // one alternative holds for every row
			}
			continue
		}
		parts, args = append(parts, cond.SQL), append(args, cond.Args...)
	}
	if len(parts) == 0 {
		return Cond{}
	}
	sep := " AND "
	if f.Op == query.MatchOr {
		sep = " OR "
	}
	return Cond{SQL: "(" + strings.Join(parts, sep) + ")", Args: args}
}

// ContainsLeaf renders the substring tests of a TextMatch on body_text,
// and no other.
func ContainsLeaf(d Dialect, f *query.TextMatch) Cond {
	switch f.Op {
	case query.MatchContains:
		return Cond{SQL: d.Contains("body_text", "?"), Args: []any{f.Text}}
	case query.MatchNotContains:
		return Cond{SQL: "NOT (" + d.Contains("body_text", "?") + ")", Args: []any{f.Text}}
	}
	return Cond{}
}
