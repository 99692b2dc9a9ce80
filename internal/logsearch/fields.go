package logsearch

import (
	"context"
	"slices"
	"time"

	"lookout/internal/query/insights"
	"lookout/internal/store"
)

// FieldsWindow is how far back from its time a field discovery looks, as
// the CloudWatch Logs service does (15 minutes).
const FieldsWindow = 15 * time.Minute

// fieldsSample bounds the events a field discovery reads (the newest of the
// window).
const fieldsSample = 10_000

// FieldsQuery asks which fields the events of a log group have in the
// FieldsWindow that ends at AtNano (0: now).
type FieldsQuery struct {
	Project, Group string
	AtNano         int64
}

// Field is a field found in a group's events and the percentage (0-100,
// rounded; at least 1 when found) of the events read that have it.
type Field struct {
	Name    string
	Percent int
}

// systemFields are the fields every event has, as Logs Insights names them.
var systemFields = []string{"@ingestionTime", "@log", "@logStream", "@message", "@timestamp"}

// Fields discovers the fields of the newest events (at most 10,000) of the
// window: the system fields and the keys of JSON messages, sorted by name.
// No events in the window: no fields.
func (s *Service) Fields(ctx context.Context, q FieldsQuery) ([]Field, error) {
	at := q.AtNano
	if at == 0 {
		at = s.now().UnixNano()
	}
	sq := store.GroupEventQuery{Project: q.Project, Group: q.Group, StartNano: max(at-int64(FieldsWindow), 1),
		EndNano: at + 1, Limit: fieldsSample, Descending: true}
	counts := map[string]int{}
	n := 0
	for e, err := range s.events.GroupEvents(ctx, sq) {
		if err != nil {
			return nil, err
		}
		n++
		for _, f := range insights.MessageFields(e.Message) {
			counts[f]++
		}
	}
	if n == 0 {
		return []Field{}, nil
	}
	for _, f := range systemFields {
		counts[f] = n
	}
	out := make([]Field, 0, len(counts))
	for name, c := range counts {
		out = append(out, Field{Name: name, Percent: max(1, (c*100+n/2)/n)})
	}
	slices.SortFunc(out, func(a, b Field) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out, nil
}
