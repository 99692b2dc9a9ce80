package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"lookout/internal/metricfilters"
)

// MetricFilterReader lists CloudWatch Logs metric filters and computes
// their metrics; *metricfilters.Service implements it.
type MetricFilterReader interface {
	List(ctx context.Context, project, group string) ([]metricfilters.Filter, error)
	Series(ctx context.Context, project, group, name string, start, end time.Time, step time.Duration) (metricfilters.Series, error)
}

// metricFilters serves GET /api/cwlogs/metricfilters[?group=]:
// {"filters":[...]}, the metric filters of the project (of one group).
func (a *API) metricFilters(w http.ResponseWriter, r *http.Request) error {
	fs, err := a.cfg.MetricFilters.List(r.Context(), a.project(r), r.URL.Query().Get("group"))
	if err != nil {
		a.log.Error("list metric filters", "err", err)
		return &httpError{status: http.StatusInternalServerError, msg: "listing metric filters failed"}
	}
	return writeJSON(w, http.StatusOK, struct {
		Filters []metricfilters.Filter `json:"filters"`
	}{fs})
}

// metricFilterSeries serves GET /api/cwlogs/metricfilters/series?group=
// &name=&start=&end=&step=: the filter's metric over [start, end) (the
// default search window back from now) in buckets of step (default 1m):
// {"filter", "step", "points":[{"time","events","matches","value"}]}.
func (a *API) metricFilterSeries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	group, name := q.Get("group"), q.Get("name")
	if group == "" || name == "" {
		return badRequest("group", errors.New("group and name are required"))
	}
	start, end, err := a.window(q, false)
	if err != nil {
		return err
	}
	step, err := parseDuration("step", q.Get("step"))
	if err != nil {
		return err
	}
	if step == 0 {
		step = time.Minute
	}
	s, err := a.cfg.MetricFilters.Series(r.Context(), a.project(r), group, name, start, end, step)
	switch {
	case errors.Is(err, metricfilters.ErrNotFound):
		return &httpError{status: http.StatusNotFound, msg: "no metric filter " + name + " in log group " + group}
	case errors.Is(err, metricfilters.ErrRange):
		return badRequest("step", err)
	case err != nil:
		a.log.Error("metric filter series", "err", err)
		return &httpError{status: http.StatusInternalServerError, msg: "computing the metric filter's series failed"}
	}
	return writeJSON(w, http.StatusOK, s)
}
