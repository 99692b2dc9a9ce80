package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"lookout/internal/model"
	"lookout/internal/store"
)

// defaultPointLimit is the number of points a points request returns by
// default.
const defaultPointLimit = 1000

// metricJSON is one metric of GET /api/metrics. Temporality is left out
// for gauges and summaries, monotonic for everything but sums.
type metricJSON struct {
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	Unit             string   `json:"unit"`
	Description      string   `json:"description"`
	Temporality      string   `json:"temporality,omitempty"`
	Monotonic        *bool    `json:"monotonic,omitempty"`
	Services         []string `json:"services"`
	Points           int64    `json:"points"`
	LastTimeUnixNano string   `json:"lastTimeUnixNano"`
}

// describe fills the fields every metric and point share.
func describe(typ model.MetricType, temporality model.Temporality, monotonic bool) (t, temp string, mono *bool) {
	switch typ {
	case model.MetricSum:
		mono = &monotonic
		temp = temporality.String()
	case model.MetricHistogram, model.MetricExponentialHistogram:
		temp = temporality.String()
	}
	return typ.String(), temp, mono
}

// metricsList answers GET /api/metrics with {"metrics":[...]}: the metrics
// with points in the window (start and end, see window; default the last
// DefaultSearchWindow), by name.
func (a *API) metricsList(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Metrics == nil {
		return errNoMetrics
	}
	start, end, err := a.window(r.URL.Query(), false)
	if err != nil {
		return err
	}
	ms, err := a.cfg.Metrics.Metrics(r.Context(), a.project(r), start, end)
	if err != nil {
		return storeError(err)
	}
	out := make([]metricJSON, len(ms))
	for i, m := range ms {
		j := metricJSON{Name: m.Name, Unit: m.Unit, Description: m.Description, Services: m.Services, Points: m.Points,
			LastTimeUnixNano: strconv.FormatInt(m.LastUnixNano, 10)}
		j.Type, j.Temporality, j.Monotonic = describe(m.Type, m.Temporality, m.Monotonic)
		if j.Services == nil {
			j.Services = []string{}
		}
		out[i] = j
	}
	return writeJSON(w, http.StatusOK, struct {
		Metrics []metricJSON `json:"metrics"`
	}{out})
}

var errNoMetrics = &httpError{status: http.StatusNotImplemented, msg: "this store keeps no metrics"}

// pointQuery reads the parameters of GET /api/metrics/{name}/points: the
// name (a slash in it written %2F), start and end (see window; default the
// last DefaultSearchWindow), service (exact) and limit (default 1000).
func (a *API) pointQuery(r *http.Request) (store.MetricQuery, error) {
	q := r.URL.Query()
	mq := store.MetricQuery{Project: a.project(r), Name: r.PathValue("name"), Service: q.Get("service")}
	var err error
	if mq.Start, mq.End, err = a.window(q, false); err != nil {
		return mq, err
	}
	if mq.Limit, err = a.limit(q, defaultPointLimit); err != nil {
		return mq, err
	}
	return mq, nil
}

// metricPoints answers GET /api/metrics/{name}/points with {"points":[...]}
// (see pointJSON and pointQuery), oldest first, streamed as /api/logs is:
// a store failure after the first point ends the list and adds "error".
func (a *API) metricPoints(w http.ResponseWriter, r *http.Request) error {
	if a.cfg.Metrics == nil {
		return errNoMetrics
	}
	mq, err := a.pointQuery(r)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	started := false
	begin := func() {
		w.Header().Set("Content-Type", contentTypeJSON)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"points":[`))
		started = true
	}
	n := 0
	for p, err := range a.cfg.Metrics.MetricPoints(r.Context(), mq) {
		if err != nil {
			if !started {
				return storeError(err)
			}
			a.log.Warn("metric point stream cut short", "metric", mq.Name, "query", r.URL.RawQuery, "sent", n, "err", err)
			_, _ = fmt.Fprintf(w, "],\"error\":%s}\n", appendString(nil, storeError(err).Error()))
			return nil
		}
		if !started {
			begin()
		} else {
			_, _ = w.Write([]byte{','})
		}
		if err := enc.Encode(toPointJSON(&p)); err != nil {
			a.log.Debug("metric point stream stopped", "sent", n, "err", err)
			return nil
		}
		n++
	}
	if !started {
		begin()
	}
	_, _ = w.Write([]byte("]}\n"))
	return nil
}
