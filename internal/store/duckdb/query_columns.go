package duckdb

import (
	"context"
	"fmt"
	"time"

	"lookout/internal/metricquery"
	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// columnSample caps the spans whose attributes Columns reads; counts and
// cardinalities above it are estimates scaled from a sample.
const columnSample = 50_000

// Columns implements store.Querier. Attribute counts and cardinalities come
// from the most recent spans of the window (about columnSample of them):
// counts are scaled to the whole window, cardinality is that of the recent
// spans (exact over them). A key's type is the type most of its values have; a key
// that is both a span and a resource attribute is listed once, as the span
// attribute, which is also what a query of that column reads first. Span
// events add event.name and event.<key> per attribute key (Source
// "event"; counted per event that carries them).
func (s *Store) Columns(ctx context.Context, project, dataset string, src query.Source, start, end time.Time) ([]query.Column, error) {
	ctx, cancel := budget(ctx)
	defer cancel()
	var metrics []store.MetricInfo
	if src == query.SourceMetrics {
		var err error
		if metrics, err = s.Metrics(ctx, project, start, end); err != nil {
			return nil, fmt.Errorf("columns: %w", err)
		}
	}
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()

	// The sample is the most recent spans: the end of the window, shortened
	// in proportion to the span count (cheap: start_ns alone is read).
	b := s.sqlFor(src)
	var total int64
	err = s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+b.table().view+" WHERE "+
		b.scope(project, query.Query{Dataset: dataset, Start: start, End: end}), b.args...).Scan(&total)
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	if total > columnSample {
		start = end.Add(-time.Duration(float64(end.Sub(start)) * columnSample / float64(total)))
	}
	b = s.sqlFor(src)
	scope := b.scope(project, query.Query{Dataset: dataset, Start: start, End: end})
	// Logs have no span events: their sample reads an empty events column.
	events, view := "events_json", b.table().view
	if !b.table().events {
		events = "''"
	}
	stmt := `WITH total AS (SELECT ` + b.arg(total) + `::BIGINT AS n),
sample AS (SELECT attr_keys, attr_values, attr_types, res_keys, res_values, res_types, ` + events + ` AS events_json FROM ` + view + ` WHERE ` + scope + `),
sampled AS (SELECT count(*) AS n FROM sample),
events AS (SELECT ` + eventsJSON + ` AS evs FROM sample WHERE events_json <> ''),
event_attrs AS (SELECT unnest(flatten(list_transform(evs, ev_e -> ev_e.a))) AS a FROM events),
kv AS (SELECT 0 AS src, unnest(attr_keys) AS k, unnest(attr_values) AS v, unnest(attr_types) AS t FROM sample
	UNION ALL SELECT 1, unnest(res_keys), unnest(res_values), unnest(res_types) FROM sample
	UNION ALL SELECT 2, ` + b.arg(query.EventPrefix+"name") + `, unnest(list_transform(evs, ev_e -> ev_e.n)), ` + b.arg(uint8(model.KindString)) + `::UTINYINT FROM events
	UNION ALL SELECT 2, ` + b.arg(query.EventPrefix) + ` || a.k, coalesce(a.v.s, a.v.i, a.v.d, CAST(a.v.b AS VARCHAR)),
		(CASE WHEN a.v.i IS NOT NULL THEN ` + b.arg(uint8(model.KindInt)) + ` WHEN a.v.d IS NOT NULL THEN ` + b.arg(uint8(model.KindDouble)) +
		` WHEN a.v.b IS NOT NULL THEN ` + b.arg(uint8(model.KindBool)) + ` ELSE ` + b.arg(uint8(model.KindString)) + ` END)::UTINYINT FROM event_attrs)
SELECT src, k, t, count(*) AS n, count(DISTINCT v) AS card, (SELECT n FROM total), (SELECT n FROM sampled)
FROM kv GROUP BY src, k, t ORDER BY n DESC, src, k, t`
	rows, err := s.db.QueryContext(ctx, stmt, b.args...)
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
		var src int32
		var key string
		var typ uint8
		var n, card, total, sampled int64
		if err := rows.Scan(&src, &key, &typ, &n, &card, &total, &sampled); err != nil {
			return nil, fmt.Errorf("columns: scan: %w", err)
		}
		if sampled > 0 && total > sampled {
			n = n * total / sampled
		}
		if i, ok := seen[key]; ok {
			if i >= 0 {
				out[i].Count += n
				out[i].Cardinality = max(out[i].Cardinality, card)
			}
			continue
		}
		source := []string{"attribute", "resource", "event"}[src]
		seen[key] = len(out)
		out = append(out, query.Column{Name: key, Type: columnType(model.ValueKind(typ)), Source: source, Count: n, Cardinality: card})
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
