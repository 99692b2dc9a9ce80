package clickhouse

import (
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"context"
	"fmt"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/store/rowcodec"
	"lookout/internal/store/sqlbuild"
)

// traceRange is where the spans of one trace lie: per service, the range of
// their starts, from the trace index.
type traceRange struct {
	service     string
	first, last int64
}

// locate returns the ranges of the traces' spans in project, from the
// trace index (ordered by trace id: a lookup reads a granule per part).
func (s *Store) locate(ctx context.Context, project string, ids []model.TraceID) ([]traceRange, error) {
	w := newWhere().Add("project = ?", project)
	var ors []string
	var args []any
	for _, id := range ids {
		hi, lo := rowcodec.TraceHalves(id)
		ors = append(ors, "(trace_hi = ? AND trace_lo = ?)")
		args = append(args, hi, lo)
	}
	w.Add("("+strings.Join(ors, " OR ")+")", args...)
	rows, err := s.conn.Query(ctx, "SELECT service, min(first_ns), max(last_ns) FROM trace_index WHERE "+w.String()+
		" GROUP BY service ORDER BY service", w.Args()...)
	return sqlbuild.Collect(rows, err, "trace index", func(rows driver.Rows) (traceRange, error) {
		var r traceRange
		err := rows.Scan(&r.service, &r.first, &r.last)
		return r, err
	})
}

// spansWhere is the condition selecting the spans of the traces in
// project: each service's start range (the table's sort key) narrows the
// granules read to those of the traces.
func spansWhere(project string, ids []model.TraceID, ranges []traceRange) *sqlbuild.Where {
	w := newWhere().Add("project = ?", project)
	var ors []string
	var args []any
	for _, r := range ranges {
		ors = append(ors, "(service = ? AND start_ns >= ? AND start_ns <= ?)")
		args = append(args, r.service, r.first, r.last)
	}
	w.Add("("+strings.Join(ors, " OR ")+")", args...)
	his, los := sqlbuild.TraceHalves(ids)
	w.Add("trace_hi IN (" + his + ") AND trace_lo IN (" + los + ")")
	return w
}

// Trace returns the spans of one trace ordered by start time (then span
// id): a lookup in the trace index, then a read of the granules of the
// spans it points to.
func (s *Store) Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	ranges, err := s.locate(ctx, project, []model.TraceID{id})
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", id, err)
	}
	if len(ranges) == 0 {
		return nil, fmt.Errorf("trace %s: %w", id, store.ErrNotFound)
	}
	w := spansWhere(project, []model.TraceID{id}, ranges)
	rows, err := s.conn.Query(ctx, "SELECT "+spanReadColumns+" FROM spans WHERE "+w.String()+" ORDER BY start_ns, span_id", w.Args()...)
	spans, err := sqlbuild.Collect(rows, err, "trace "+id.String(), scanSpan)
	if err != nil {
		return nil, err
	}
	if len(spans) == 0 {
		return nil, fmt.Errorf("trace %s: %w", id, store.ErrNotFound)
	}
	return spans, nil
}

// SearchTraces implements store.TraceReader (see sqlbuild.SearchTraces).
func (s *Store) SearchTraces(ctx context.Context, q store.TraceQuery) ([]store.TraceSummary, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	stmt, args := sqlbuild.SearchTraces(sq, q)
	rows, err := s.conn.Query(ctx, stmt, args...)
	return sqlbuild.Collect(rows, err, "search traces", sqlbuild.ScanSummary[driver.Rows])
}

// Services counts spans (by start) and log events (by time) per service in
// [start, end); zero times mean no bound. Ordered by name.
func (s *Store) Services(ctx context.Context, project string, start, end time.Time) ([]store.ServiceStat, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	stmt, args := sqlbuild.Services(sq, project, start, end)
	rows, err := s.conn.Query(ctx, stmt, args...)
	return sqlbuild.Collect(rows, err, "services", sqlbuild.ScanServiceStat[driver.Rows])
}
