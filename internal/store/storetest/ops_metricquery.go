package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lookout/internal/query"
	"lookout/internal/store"
)

// Steps on the query model's metrics source (store.Querier with
// query.SourceMetrics).

// metricQueryAnswer is a query's answer: rows as their group values then
// calculation values, series rows led by their time; or the message of a
// query the store refused as invalid (a *query.FieldError).
type metricQueryAnswer struct {
	Results [][]any
	Series  [][]any
	Error   string `json:",omitempty"`
}

func init() {
	register(map[string]op{
		// MetricQuery runs Spec, a Honeycomb query specification without
		// times, over [Start, End) of the metrics source.
		"MetricQuery": telemetryOp(func(e *env, in struct {
			Project    string
			Start, End time.Time
			Spec       json.RawMessage
		}) (any, error) {
			qr, ok := e.tel.(store.Querier)
			if !ok {
				return nil, fmt.Errorf("%T does not implement store.Querier", e.tel)
			}
			var spec query.Spec
			if err := json.Unmarshal(in.Spec, &spec); err != nil {
				return nil, err
			}
			st, en := in.Start.Unix(), in.End.Unix()
			spec.StartTime, spec.EndTime, spec.Source = &st, &en, string(query.SourceMetrics)
			q, err := spec.Query(in.End)
			if err != nil {
				return nil, err
			}
			res, err := qr.Query(e.ctx, in.Project, q)
			var fe *query.FieldError
			if errors.As(err, &fe) {
				return metricQueryAnswer{Error: fe.Error()}, nil
			}
			if err != nil {
				return nil, err
			}
			out := metricQueryAnswer{Results: [][]any{}, Series: [][]any{}}
			for _, r := range res.Results {
				out.Results = append(out.Results, append(append([]any{}, r.Group...), r.Values...))
			}
			for _, r := range res.Series {
				row := append([]any{r.Time}, r.Group...)
				out.Series = append(out.Series, append(row, r.Values...))
			}
			return out, nil
		}),
		// MetricColumns lists the columns of the metrics source, by name.
		"MetricColumns": telemetryOp(func(e *env, in struct {
			Project, Dataset string
			Start, End       time.Time
		}) (any, error) {
			qr, ok := e.tel.(store.Querier)
			if !ok {
				return nil, fmt.Errorf("%T does not implement store.Querier", e.tel)
			}
			ds := in.Dataset
			if ds == "" {
				ds = query.DatasetAll
			}
			return qr.Columns(e.ctx, in.Project, ds, query.SourceMetrics, in.Start, in.End)
		}),
	})
}
