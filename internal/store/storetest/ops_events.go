package storetest

import (
	"fmt"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// Steps on the telemetry store's writes, partitions and
// store.LogGroupEvents.

// logEvent is model.LogEvent with its ids in hex.
type logEvent struct {
	model.LogEvent
	TraceID traceID
	SpanID  spanID
}

func (l logEvent) model() model.LogEvent {
	m := l.LogEvent
	m.TraceID, m.SpanID = model.TraceID(l.TraceID), model.SpanID(l.SpanID)
	return m
}

// textMatch writes a query.TextMatch with one field set per node:
// {"And": [...]}, {"Or": [...]}, {"Contains": "x"}, {"NotContains": "x"},
// {"JSONString": {"Path": ["a", 0], "Text": "v"}} or
// {"JSONNumber": {"Path": ["n"], "Num": 5}}; a path step is a key (string)
// or an array index (number).
type textMatch struct {
	And, Or     []textMatch
	Contains    *string
	NotContains *string
	JSONString  *struct {
		Path []any
		Text string
	}
	JSONNumber *struct {
		Path []any
		Num  float64
	}
}

func (m textMatch) model() (*query.TextMatch, error) {
	var out []*query.TextMatch
	add := func(t *query.TextMatch) { out = append(out, t) }
	children := func(op query.TextMatchOp, ms []textMatch) error {
		t := &query.TextMatch{Op: op}
		for _, c := range ms {
			x, err := c.model()
			if err != nil {
				return err
			}
			t.Children = append(t.Children, x)
		}
		add(t)
		return nil
	}
	if m.And != nil {
		if err := children(query.MatchAnd, m.And); err != nil {
			return nil, err
		}
	}
	if m.Or != nil {
		if err := children(query.MatchOr, m.Or); err != nil {
			return nil, err
		}
	}
	if m.Contains != nil {
		add(&query.TextMatch{Op: query.MatchContains, Text: *m.Contains})
	}
	if m.NotContains != nil {
		add(&query.TextMatch{Op: query.MatchNotContains, Text: *m.NotContains})
	}
	if j := m.JSONString; j != nil {
		p, err := pathOf(j.Path)
		if err != nil {
			return nil, err
		}
		add(&query.TextMatch{Op: query.MatchJSONString, Path: p, Text: j.Text})
	}
	if j := m.JSONNumber; j != nil {
		p, err := pathOf(j.Path)
		if err != nil {
			return nil, err
		}
		add(&query.TextMatch{Op: query.MatchJSONNumber, Path: p, Num: j.Num})
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("a text match node sets exactly one field, this one %d", len(out))
	}
	return out[0], nil
}

func pathOf(steps []any) ([]query.PathStep, error) {
	out := make([]query.PathStep, len(steps))
	for i, s := range steps {
		switch s := s.(type) {
		case string:
			out[i] = query.PathStep{Key: s, Index: -1}
		case float64:
			out[i] = query.PathStep{Index: int(s)}
		default:
			return nil, fmt.Errorf("path step %v: want a key or an index", s)
		}
	}
	return out, nil
}

func init() {
	register(map[string]op{
		// Write commits one batch; with Nil it writes a nil batch.
		"Write": telemetryOp(func(e *env, in struct {
			Spans   []spanIn
			Logs    []logEvent
			Metrics []metricPoint
			Nil     bool
		}) (any, error) {
			if in.Nil {
				return nil, e.tel.Write(e.ctx, nil)
			}
			b := &model.Batch{}
			for _, s := range in.Spans {
				b.Spans = append(b.Spans, s.model())
			}
			for _, l := range in.Logs {
				b.Logs = append(b.Logs, l.model())
			}
			for _, m := range in.Metrics {
				b.Metrics = append(b.Metrics, m.model())
			}
			return nil, e.tel.Write(e.ctx, b)
		}),
		"Partitions": telemetryOp(func(e *env, _ struct{}) (any, error) {
			return e.tel.Partitions(e.ctx)
		}),
		"Usage": telemetryOp(func(e *env, _ struct{}) (any, error) {
			return e.tel.Usage(e.ctx)
		}),
		"DropPartition": telemetryOp(func(e *env, in struct{ Name string }) (any, error) {
			return nil, e.tel.DropPartition(e.ctx, in.Name)
		}),
		// GroupEvents answers the events read; with StopAfter it stops the
		// iteration after that many.
		"GroupEvents": telemetryOp(func(e *env, in struct {
			store.GroupEventQuery
			Match     *textMatch
			StopAfter int
		}) (any, error) {
			q := in.GroupEventQuery
			if in.Match != nil {
				m, err := in.Match.model()
				if err != nil {
					return nil, err
				}
				q.Match = m
			}
			out := []store.GroupEvent{}
			for ev, err := range e.tel.GroupEvents(e.ctx, q) {
				if err != nil {
					return nil, err
				}
				out = append(out, ev)
				if len(out) == in.StopAfter {
					break
				}
			}
			return out, nil
		}),
		"DeleteGroupEvents": telemetryOp(func(e *env, in struct {
			Project, Group, Stream string
			BeforeNano             int64
		}) (any, error) {
			return e.tel.DeleteGroupEvents(e.ctx, in.Project, in.Group, in.Stream, in.BeforeNano)
		}),
		"GroupStreamStats": telemetryOp(func(e *env, in struct{ Project, Group string }) (any, error) {
			return e.tel.GroupStreamStats(e.ctx, in.Project, in.Group)
		}),
	})
}
