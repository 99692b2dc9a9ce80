package metricquery

import (
	"fmt"
	"slices"
	"strings"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// Columns inserts the metrics of infos that dataset (a service name or
// query.DatasetAll) sent into a store's column list for the metrics source,
// right after the fields: a metric's name is a column, described by its
// type, unit and the calculations that read it. A name sent with several
// types is listed once, as the type with the most points.
func Columns(cols []query.Column, infos []store.MetricInfo, dataset string) []query.Column {
	var metrics []query.Column
	at := map[string]int{}
	for _, m := range infos {
		if dataset != "" && dataset != query.DatasetAll && !slices.Contains(m.Services, dataset) {
			continue
		}
		c := query.Column{Name: m.Name, Type: query.TypeFloat, Source: "metric", Count: m.Points,
			MetricType: m.Type.String(), Unit: m.Unit, Ops: query.MetricOps(m.Type), Description: describe(m)}
		i, ok := at[m.Name]
		switch {
		case !ok:
			at[m.Name] = len(metrics)
			metrics = append(metrics, c)
		case m.Points > metrics[i].Count:
			c.Count += metrics[i].Count
			metrics[i] = c
		default:
			metrics[i].Count += m.Points
		}
	}
	nf := len(query.MetricFields)
	if nf > len(cols) {
		nf = len(cols)
	}
	out := append([]query.Column{}, cols[:nf]...)
	out = append(out, metrics...)
	for _, c := range cols[nf:] {
		if _, clash := at[c.Name]; !clash { // the metric wins its name
			out = append(out, c)
		}
	}
	return out
}

// describe writes a metric's kind as a user knows it: "counter (cumulative)
// in ms: Duration of requests".
func describe(m store.MetricInfo) string {
	kind := strings.ReplaceAll(m.Type.String(), "_", " ")
	if m.Type == model.MetricSum {
		kind = "up-down counter"
		if m.Monotonic {
			kind = "counter"
		}
	}
	if m.Temporality != 0 {
		kind += fmt.Sprintf(" (%s)", m.Temporality)
	}
	if m.Unit != "" {
		kind += " in " + m.Unit
	}
	if m.Description != "" {
		kind += ": " + m.Description
	}
	return kind
}
