package clickhouse

import (
	"context"
	"fmt"
	"time"

	"lookout/internal/metricquery"
	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// columnSample caps the rows whose attributes Columns reads; counts and
// cardinalities above it are estimates scaled from a sample.
const columnSample = 50_000

// Columns implements store.Querier. Attribute counts and cardinalities come
// from the most recent rows of the window (about columnSample of them):
// counts are scaled to the whole window, cardinality is that of the recent
// rows (exact over them). A key's type is the type most of its values
// have; a key that is both a record and a resource attribute is listed
// once, as the record's attribute, which is also what a query of that
// column reads first. Span events add event.name and event.<key> per
// attribute key (Source "event"; counted per event that carries them).
func (s *Store) Columns(ctx context.Context, project, dataset string, src query.Source, start, end time.Time) ([]query.Column, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	ctx, cancel := s.budget(ctx)
	defer cancel()
	var metrics []store.MetricInfo
	if src == query.SourceMetrics {
		var err error
		if metrics, err = s.Metrics(ctx, project, start, end); err != nil {
			return nil, fmt.Errorf("columns: %w", err)
		}
	}
	count := func(start time.Time) (int64, error) {
		b := newSQL(src)
		var n uint64
		err := s.conn.QueryRow(ctx, "SELECT count() FROM "+b.t.name+" WHERE "+
			b.scope(project, query.Query{Dataset: dataset, Start: start, End: end}), b.args...).Scan(&n)
		return int64(n), err
	}
	total, err := count(start)
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	sampled := total
	if total > columnSample {
		// The sample is the end of the window, shortened in proportion to
		// the row count.
		start = end.Add(-time.Duration(float64(end.Sub(start)) * columnSample / float64(total)))
		if sampled, err = count(start); err != nil {
			return nil, fmt.Errorf("columns: %w", err)
		}
	}
	b := newSQL(src)
	lists := "arrayMap((k, v, t) -> (toUInt8(0), k, t, v), attr_keys, attr_values, attr_types), " +
		"arrayMap((k, v, t) -> (toUInt8(1), k, t, v), res_keys, res_values, res_types)"
	if b.t.events {
		lists += ", arrayMap(n -> (toUInt8(2), " + b.arg(query.EventPrefix+"name") + ", toUInt8(" + b.arg(int(model.KindString)) + "), n), event_names)" +
			", arrayMap((k, v, t) -> (toUInt8(2), concat(" + b.arg(query.EventPrefix) + ", k), t, v), event_keys, event_values, event_types)"
	}
	sql := `SELECT kv.1 AS src, kv.2 AS key, kv.3 AS type, count() AS n, uniqExact(kv.4) AS card
FROM (SELECT arrayJoin(arrayConcat(` + lists + `)) AS kv FROM ` + b.t.name + ` WHERE ` +
		b.scope(project, query.Query{Dataset: dataset, Start: start, End: end}) + `)
GROUP BY src, key, type ORDER BY n DESC, src, key, type`
	rows, err := s.conn.Query(ctx, sql, b.args...)
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	defer rows.Close()
	out := append([]query.Column{}, query.Fields(src)...)
	seen := map[string]int{}
	for _, c := range out {
		seen[c.Name] = -1
	}
	for rows.Next() {
		var source, typ uint8
		var key string
		var n, card uint64
		if err := rows.Scan(&source, &key, &typ, &n, &card); err != nil {
			return nil, fmt.Errorf("columns: scan: %w", err)
		}
		count := int64(n)
		if sampled > 0 && total > sampled {
			count = count * total / sampled
		}
		if i, ok := seen[key]; ok {
			if i >= 0 {
				out[i].Count += count
				out[i].Cardinality = max(out[i].Cardinality, int64(card))
			}
			continue
		}
		seen[key] = len(out)
		out = append(out, query.Column{Name: key, Type: columnType(model.ValueKind(typ)),
			Source: []string{"attribute", "resource", "event"}[min(int(source), 2)], Count: count, Cardinality: int64(card)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	if src == query.SourceMetrics {
		out = metricquery.Columns(out, metrics, dataset)
	}
	return out, nil
}

func columnType(k model.ValueKind) query.Type {
	switch k {
	case model.KindBool:
		return query.TypeBoolean
	case model.KindInt:
		return query.TypeInteger
	case model.KindDouble:
		return query.TypeFloat
	}
	return query.TypeString
}
