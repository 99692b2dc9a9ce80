package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"lookout/internal/store"
)

// defaultSearchLimit is Tempo's default number of search results.
const defaultSearchLimit = 20

// searchResponse is Tempo's search reply.
type searchResponse struct {
	Traces  []traceHit    `json:"traces"`
	Metrics searchMetrics `json:"metrics"`
}

// traceHit is one search result in Tempo's shape, plus span and error counts.
type traceHit struct {
	TraceID           string `json:"traceID"`
	RootServiceName   string `json:"rootServiceName"`
	RootTraceName     string `json:"rootTraceName"`
	StartTimeUnixNano string `json:"startTimeUnixNano"`
	DurationMs        int64  `json:"durationMs"`
	SpanCount         int64  `json:"spanCount"`
	ErrorCount        int64  `json:"errorCount"`
}

// searchMetrics mirrors Tempo's job counters: one store query is one job.
type searchMetrics struct {
	CompletedJobs int `json:"completedJobs"`
	TotalJobs     int `json:"totalJobs"`
}

// search answers GET /api/search. Parameters, as Tempo takes them:
//   - tags: logfmt key=value pairs; keys "name", "status" (unset, ok, error)
//     and any span or resource attribute; one span must match them all;
//   - minDuration, maxDuration: Go durations bounding the trace's duration;
//   - start, end: the window the trace must overlap (see parseTime; default
//     the last DefaultSearchWindow);
//   - limit: at most this many traces (default 20), newest first.
//
// With q, a TraceQL query, it searches with it instead of tags (see
// searchTraceQL).
func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("q") != "" {
		return a.searchTraceQL(w, r)
	}
	tags, err := parseTags(q.Get("tags"))
	if err != nil {
		return badRequest("tags", err)
	}
	minDur, maxDur, err := durationBounds(q)
	if err != nil {
		return err
	}
	start, end, err := a.window(q, false)
	if err != nil {
		return err
	}
	limit, err := a.limit(q, defaultSearchLimit)
	if err != nil {
		return err
	}
	found, err := a.cfg.Traces.SearchTraces(r.Context(), store.TraceQuery{
		Project: a.project(r), Start: start, End: end,
		MinDuration: minDur, MaxDuration: maxDur, Tags: tags, Limit: limit,
	})
	if err != nil {
		return storeError(err)
	}
	resp := searchResponse{Traces: make([]traceHit, len(found)), Metrics: searchMetrics{CompletedJobs: 1, TotalJobs: 1}}
	for i, t := range found {
		resp.Traces[i] = traceHit{
			TraceID:           t.TraceID.String(),
			RootServiceName:   t.RootServiceName,
			RootTraceName:     t.RootTraceName,
			StartTimeUnixNano: strconv.FormatInt(t.StartUnixNano, 10),
			DurationMs:        t.DurationNano / 1e6,
			SpanCount:         t.SpanCount,
			ErrorCount:        t.ErrorCount,
		}
	}
	return writeJSON(w, http.StatusOK, resp)
}

// durationBounds reads minDuration and maxDuration (0: no bound).
func durationBounds(q url.Values) (minDur, maxDur time.Duration, err error) {
	if minDur, err = parseDuration("minDuration", q.Get("minDuration")); err != nil {
		return 0, 0, err
	}
	if maxDur, err = parseDuration("maxDuration", q.Get("maxDuration")); err != nil {
		return 0, 0, err
	}
	if maxDur > 0 && minDur > maxDur {
		return 0, 0, badRequest("minDuration", fmt.Errorf("%s is above maxDuration %s", minDur, maxDur))
	}
	return minDur, maxDur, nil
}

// serviceJSON is one entry of the service list.
type serviceJSON struct {
	Name      string `json:"name"`
	SpanCount int64  `json:"spanCount"`
	LogCount  int64  `json:"logCount"`
}

// services answers GET /api/services?start=&end= with
// {"services":[{"name","spanCount","logCount"}]}, ordered by name, counting
// what each service sent in the window (default the last
// DefaultSearchWindow).
func (a *API) services(w http.ResponseWriter, r *http.Request) error {
	start, end, err := a.window(r.URL.Query(), false)
	if err != nil {
		return err
	}
	stats, err := a.cfg.Traces.Services(r.Context(), a.project(r), start, end)
	if err != nil {
		return storeError(err)
	}
	out := make([]serviceJSON, len(stats))
	for i, s := range stats {
		out[i] = serviceJSON(s)
	}
	return writeJSON(w, http.StatusOK, map[string][]serviceJSON{"services": out})
}
