package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/query/traceql"
)

// defaultMetricsWindow is the range of a TraceQL metrics query that gives
// none, as in Tempo: the last hour.
const defaultMetricsWindow = time.Hour

// metricsRangeReply is Tempo's QueryRangeResponse in its JSON form.
type metricsRangeReply struct {
	Series  []rangeSeries `json:"series"`
	Metrics traceQLMetric `json:"metrics"`
}

// rangeSeries is one TimeSeries: its labels (OTLP/JSON key-values, and as
// Prometheus writes them) and samples at the start of each step.
type rangeSeries struct {
	Labels     []attrJSON   `json:"labels"`
	PromLabels string       `json:"promLabels"`
	Samples    []sampleJSON `json:"samples"`
	Exemplars  []struct{}   `json:"exemplars"`
}

type sampleJSON struct {
	TimestampMs string  `json:"timestampMs"`
	Value       float64 `json:"value"`
}

// metricsInstantReply is Tempo's QueryInstantResponse.
type metricsInstantReply struct {
	Series  []instantSeries `json:"series"`
	Metrics traceQLMetric   `json:"metrics"`
}

type instantSeries struct {
	Labels     []attrJSON `json:"labels"`
	PromLabels string     `json:"promLabels"`
	Value      float64    `json:"value"`
}

// metricsQueryRange answers GET /api/metrics/query_range?q=&start=&end=&since=&step=
// in Tempo's shape. The TraceQL metrics query compiles into the query
// model and runs on the same engine as POST /api/query, over the range
// aligned to step (default: about 100 steps).
func (a *API) metricsQueryRange(w http.ResponseWriter, r *http.Request) error {
	mq, start, end, err := a.metricsParams(r.URL.Query())
	if err != nil {
		return err
	}
	step, err := metricsStep(r.URL.Query().Get("step"), end.Sub(start))
	if err != nil {
		return err
	}
	start, end = alignDown(start, step), alignDown(end.Add(step-1), step)
	res, err := a.runMetrics(r, mq.Query(start, end, step))
	if err != nil {
		return err
	}
	reply := metricsRangeReply{Series: []rangeSeries{}, Metrics: traceQLMetric{CompletedJobs: 1, TotalJobs: 1}}
	// One series per group and calculation, in the order of the groups.
	index := map[string]int{}
	for _, row := range res.Results {
		for ci := range mq.Calcs {
			labels, prom := metricsLabels(mq, row.Group, ci)
			index[seriesKey(row.Group, ci)] = len(reply.Series)
			s := rangeSeries{Labels: labels, PromLabels: prom, Samples: []sampleJSON{}, Exemplars: []struct{}{}}
			if isCount(mq) {
				// Counts are 0 where no span came, as in Tempo.
				for t := start; t.Before(end); t = t.Add(step) {
					s.Samples = append(s.Samples, sampleJSON{TimestampMs: strconv.FormatInt(t.UnixMilli(), 10)})
				}
			}
			reply.Series = append(reply.Series, s)
		}
	}
	for _, row := range res.Series {
		for ci := range mq.Calcs {
			i, ok := index[seriesKey(row.Group, ci)]
			v, has := metricValue(mq, row.Values[ci], step)
			if !ok || !has {
				continue
			}
			s := &reply.Series[i]
			if isCount(mq) {
				if k := int(row.Time.Sub(start) / step); k >= 0 && k < len(s.Samples) {
					s.Samples[k].Value = v
				}
				continue
			}
			s.Samples = append(s.Samples, sampleJSON{TimestampMs: strconv.FormatInt(row.Time.UnixMilli(), 10), Value: v})
		}
	}
	// A group without a value in the range has no series.
	reply.Series = slices.DeleteFunc(reply.Series, func(s rangeSeries) bool { return len(s.Samples) == 0 })
	return writeJSON(w, http.StatusOK, reply)
}

// metricsQueryInstant answers GET /api/metrics/query?q=&start=&end=&since=:
// one value per series over the whole range (rate() per second of it).
func (a *API) metricsQueryInstant(w http.ResponseWriter, r *http.Request) error {
	mq, start, end, err := a.metricsParams(r.URL.Query())
	if err != nil {
		return err
	}
	step := end.Sub(start)
	if step < time.Second {
		return badRequest("start", errors.New("the range must be at least 1s"))
	}
	res, err := a.runMetrics(r, mq.Query(start, end, step))
	if err != nil {
		return err
	}
	reply := metricsInstantReply{Series: []instantSeries{}, Metrics: traceQLMetric{CompletedJobs: 1, TotalJobs: 1}}
	for _, row := range res.Results {
		for ci := range mq.Calcs {
			v, ok := metricValue(mq, row.Values[ci], step)
			if !ok {
				continue
			}
			labels, prom := metricsLabels(mq, row.Group, ci)
			reply.Series = append(reply.Series, instantSeries{Labels: labels, PromLabels: prom, Value: v})
		}
	}
	return writeJSON(w, http.StatusOK, reply)
}

// metricsParams reads q, start, end and since: the range is [start, end),
// end defaulting to now and start to end minus since (default 1h).
func (a *API) metricsParams(q url.Values) (*traceql.MetricsQuery, time.Time, time.Time, error) {
	var zero time.Time
	src := q.Get("q")
	if len(src) > maxQueryBytes {
		return nil, zero, zero, badRequest("q", errors.New("longer than 16 KiB"))
	}
	mq, err := traceql.CompileMetricsString(src)
	if err != nil {
		return nil, zero, zero, badRequest("q", err)
	}
	now := a.cfg.Now()
	end, err := parseTime(q.Get("end"), now)
	if err != nil {
		return nil, zero, zero, badRequest("end", err)
	}
	if end.IsZero() {
		end = now
	}
	start, err := parseTime(q.Get("start"), now)
	if err != nil {
		return nil, zero, zero, badRequest("start", err)
	}
	if start.IsZero() {
		since, err := parseDuration("since", q.Get("since"))
		if err != nil {
			return nil, zero, zero, err
		}
		if since == 0 {
			since = defaultMetricsWindow
		}
		start = end.Add(-since)
	}
	if !start.Before(end) {
		return nil, zero, zero, badRequest("start", fmt.Errorf("%s is not before end %s",
			start.UTC().Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano)))
	}
	return mq, start.UTC(), end.UTC(), nil
}

// metricsStep reads step: a duration (15s) or seconds (15, 1.5); absent,
// about 100 steps over the range.
func metricsStep(s string, rng time.Duration) (time.Duration, error) {
	if s == "" {
		return query.AutoGranularity(rng), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || f > math.MaxInt64/1e9 {
			return 0, badRequest("step", fmt.Errorf("%q: want a duration such as 15s", s))
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d < time.Second {
		return 0, badRequest("step", fmt.Errorf("%q: must be at least 1s", s))
	}
	return d, nil
}

// alignDown rounds t down to a multiple of step since the Unix epoch.
func alignDown(t time.Time, step time.Duration) time.Time {
	ns := t.UnixNano()
	return time.Unix(0, ns-((ns%int64(step))+int64(step))%int64(step)).UTC()
}

func (a *API) runMetrics(r *http.Request, q query.Query) (query.Result, error) {
	if a.cfg.Query == nil {
		return query.Result{}, &httpError{status: http.StatusNotImplemented, msg: "no query engine configured"}
	}
	if err := q.Normalize(); err != nil {
		var fe *query.FieldError
		if errors.As(err, &fe) && fe.Field == "granularity" {
			return query.Result{}, badRequest("step", fe.Err) // the query's step is its granularity
		}
		return query.Result{}, specError(err)
	}
	res, err := a.cfg.Query.Query(r.Context(), a.project(r), q)
	if err != nil {
		return query.Result{}, storeError(err)
	}
	return res, nil
}

func isCount(mq *traceql.MetricsQuery) bool {
	return mq.Func == "rate" || mq.Func == "count_over_time"
}

// metricValue is a calculated value in the function's terms: rate() per
// second of step, durations in seconds; ok is false without a value.
func metricValue(mq *traceql.MetricsQuery, v any, step time.Duration) (float64, bool) {
	var f float64
	switch v := v.(type) {
	case int64:
		f = float64(v)
	case float64:
		f = v
	default:
		return 0, false
	}
	if mq.Func == "rate" {
		f /= step.Seconds()
	}
	f *= mq.Scale
	return f, !math.IsNaN(f) && !math.IsInf(f, 0)
}

// metricsLabels are a series' labels: the by(...) fields, and p for a
// quantile; a query without either is labelled with its function
// (__name__), as Tempo does.
func metricsLabels(mq *traceql.MetricsQuery, group []any, calc int) ([]attrJSON, string) {
	var labels []attrJSON
	var prom []string
	for i, l := range mq.By {
		v := l.Value(group[i])
		j := attrJSON{Key: l.Name, Value: map[string]any{}}
		text := "<nil>"
		if group[i] != nil {
			j.Value, text = anyValue(v), v.AsString()
		}
		labels = append(labels, j)
		prom = append(prom, l.Name+"="+strconv.Quote(text))
	}
	if mq.Quantiles != nil {
		q := mq.Quantiles[calc]
		labels = append(labels, attrJSON{Key: "p", Value: anyValue(model.DoubleValue(q))})
		prom = append(prom, "p="+strconv.Quote(strconv.FormatFloat(q, 'f', -1, 64)))
	}
	if len(labels) == 0 {
		labels = []attrJSON{{Key: "__name__", Value: anyValue(model.StringValue(mq.Func))}}
		prom = []string{"__name__=" + strconv.Quote(mq.Func)}
	}
	sort.Strings(prom)
	return labels, "{" + strings.Join(prom, ", ") + "}"
}

// seriesKey identifies a group's series of one calculation.
func seriesKey(group []any, calc int) string {
	return fmt.Sprintf("%d%#v", calc, group)
}
