package storetest

import (
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Steps on the telemetry store's metric points (store.MetricReader).

// metricPoint is model.MetricPoint with its exemplars' ids in hex.
type metricPoint struct {
	model.MetricPoint
	Exemplars []exemplar
}

type exemplar struct {
	model.Exemplar
	TraceID traceID
	SpanID  spanID
}

func (m metricPoint) model() model.MetricPoint {
	out := m.MetricPoint
	out.Exemplars = nil
	for _, e := range m.Exemplars {
		x := e.Exemplar
		x.TraceID, x.SpanID = model.TraceID(e.TraceID), model.SpanID(e.SpanID)
		out.Exemplars = append(out.Exemplars, x)
	}
	return out
}

func metricPointOf(m model.MetricPoint) metricPoint {
	out := metricPoint{MetricPoint: m}
	for _, e := range m.Exemplars {
		out.Exemplars = append(out.Exemplars, exemplar{Exemplar: e, TraceID: traceID(e.TraceID), SpanID: spanID(e.SpanID)})
	}
	return out
}

func init() {
	register(map[string]op{
		"Metrics": telemetryOp(func(e *env, in struct {
			Project    string
			Start, End time.Time
		}) (any, error) {
			return e.tel.Metrics(e.ctx, in.Project, in.Start, in.End)
		}),
		// MetricPoints answers the points read; with StopAfter it stops
		// the iteration after that many.
		"MetricPoints": telemetryOp(func(e *env, in struct {
			store.MetricQuery
			StopAfter int
		}) (any, error) {
			out := []metricPoint{}
			for m, err := range e.tel.MetricPoints(e.ctx, in.MetricQuery) {
				if err != nil {
					return nil, err
				}
				out = append(out, metricPointOf(m))
				if len(out) == in.StopAfter {
					break
				}
			}
			return out, nil
		}),
	})
}
