// Package api serves Lookout's JSON API on the main HTTP port: trace
// lookup and search in the shapes Grafana's Tempo data source speaks, plus
// log search, metric points, a service list, CloudWatch Logs groups and the
// errors of a trace for the UI and CLI, and the projects and access tokens
// of error tracking. It translates HTTP requests into store queries (or
// token issues) and their answers into JSON.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Config configures the API.
type Config struct {
	// Traces answers trace lookups, trace searches and the service list.
	Traces store.TraceReader
	// Logs answers log searches.
	Logs store.LogReader
	// Query answers /api/query, /api/columns and /api/bubbleup, and lists
	// tag names and values. Nil makes them answer 501.
	Query store.Querier
	// Metrics answers /api/metrics and its points. Nil makes them answer 501.
	Metrics store.MetricReader
	// Finder and Scanner answer TraceQL searches (and a trace lookup with
	// q); nil takes Traces when it implements them, else such requests
	// answer 501.
	Finder  store.TraceFinder
	Scanner store.TraceScanner
	// Project maps a request to the project it reads (the one its
	// credential was granted); nil: model.DefaultProject.
	Project func(*http.Request) string
	// LogGroups answers /api/cwlogs/groups; nil leaves the route out.
	LogGroups LogGroupLister
	// MetricFilters answers /api/cwlogs/metricfilters and its series; nil
	// leaves the routes out.
	MetricFilters MetricFilterReader
	// Errors answers /api/errors (the errors of a trace), Projects
	// /api/errors/projects and Tokens /api/errors/tokens; each nil leaves
	// its route out.
	Errors   ErrorReader
	Projects ProjectCreator
	Tokens   TokenIssuer
	// SavedQueries keeps the UI's saved queries (/api/saved-queries); nil
	// leaves the routes out.
	SavedQueries SavedQueryStore
	// Version is what /api/status/buildinfo reports.
	Version string
	// Logger receives one line per failed request. Nil discards.
	Logger *slog.Logger
	// QueryTimeout bounds every request's store work; a request that runs
	// out of time gets 504.
	QueryTimeout time.Duration
	// DefaultSearchWindow is how far back a search, log query or service
	// list looks when the request names no start: [end-window, end).
	DefaultSearchWindow time.Duration
	// MaxLimit caps the limit parameter of trace and log searches; larger
	// requests are clamped to it.
	MaxLimit int
	// Now is the clock that relative times ("1h", "now") are read against.
	// Nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the defaults: a 30s query timeout, a 24h default
// search window and a limit cap of 10000. The readers must still be set.
func DefaultConfig() Config {
	return Config{
		QueryTimeout:        30 * time.Second,
		DefaultSearchWindow: 24 * time.Hour,
		MaxLimit:            10000,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Traces == nil:
		return errors.New("api config: traces reader is nil")
	case c.Logs == nil:
		return errors.New("api config: logs reader is nil")
	case c.QueryTimeout <= 0:
		return fmt.Errorf("api config: query timeout %s: must be positive", c.QueryTimeout)
	case c.DefaultSearchWindow <= 0:
		return fmt.Errorf("api config: default search window %s: must be positive", c.DefaultSearchWindow)
	case c.MaxLimit <= 0:
		return fmt.Errorf("api config: max limit %d: must be positive", c.MaxLimit)
	}
	return nil
}

// API holds the handlers. It is safe for concurrent use.
type API struct {
	cfg Config
	log *slog.Logger
}

// New builds the API. Zero duration and limit fields take DefaultConfig's
// values, so a Config with only the readers set is valid.
func New(cfg Config) (*API, error) {
	def := DefaultConfig()
	if cfg.QueryTimeout == 0 {
		cfg.QueryTimeout = def.QueryTimeout
	}
	if cfg.DefaultSearchWindow == 0 {
		cfg.DefaultSearchWindow = def.DefaultSearchWindow
	}
	if cfg.MaxLimit == 0 {
		cfg.MaxLimit = def.MaxLimit
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if f, ok := cfg.Traces.(store.TraceFinder); ok && cfg.Finder == nil {
		cfg.Finder = f
	}
	if s, ok := cfg.Traces.(store.TraceScanner); ok && cfg.Scanner == nil {
		cfg.Scanner = s
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{cfg: cfg, log: log.With("component", "api")}, nil
}

// Register mounts every route on mux, and answers every other path under
// /api/ (of this package's routes or any other's on mux) with a 404, or a
// 405 naming the methods its path takes. Errors are {"error":"..."} with
// 400 for a bad parameter (the message starts with its name), 404 for an
// unknown trace or route, 504 when QueryTimeout ran out and 500 for a store
// failure.
//
//	GET /api/traces/{traceID}              OTLP/JSON {"resourceSpans":[...]} or protobuf (Tempo)
//	GET /api/v2/traces/{traceID}           {"trace":{"resourceSpans":[...]}} (Tempo v2)
//	GET /api/search                        {"traces":[...],"metrics":{...}}; q= TraceQL (Tempo)
//	GET /api/search/tags                   {"tagNames":[...]} (Tempo)
//	GET /api/v2/search/tags                {"scopes":[{"name","tags"}]} (Tempo v2)
//	GET /api/search/tag/{tag}/values       {"tagValues":["..."]} (Tempo)
//	GET /api/v2/search/tag/{tag}/values    {"tagValues":[{"type","value"}]} (Tempo v2)
//	GET /api/status/buildinfo              {"version",...} (Tempo)
//	GET /api/echo                          "echo", Grafana's data source test (Tempo)
//	GET /api/logs                          {"logs":[...]}, streamed
//	GET /api/services                      {"services":[...]}
//	GET /api/metrics                       {"metrics":[...]} (metrics.go)
//	GET /api/metrics/{name}/points         {"points":[...]}, streamed
//	POST /api/query                        Honeycomb query spec → {"results":[...],"series":[...]} (query.go)
//	GET /api/columns                       {"columns":[...]}
//	POST /api/bubbleup                     {"query":spec,"selection":{...}} → {"columns":[...]} (bubbleup.go)
//	GET /api/cwlogs/groups                 {"groups":[...]} with a warning on groups kept forever (loggroups.go)
//	GET /api/cwlogs/metricfilters          {"filters":[...]}: CloudWatch Logs metric filters (metricfilters.go)
//	GET /api/cwlogs/metricfilters/series   {"filter","step","points":[...]}: a filter's metric over time
//	GET /api/errors?traceID=               {"errors":[...]}: the error occurrences of a trace (errors.go)
//	POST /api/errors/projects              {"name"} → 201 {"id","name"}, loopback only (admin.go)
//	POST /api/errors/tokens                {"project","name","scopes"} → 201 {"token",...}, loopback only (admin.go)
//	GET /api/servicemap                    {"nodes":[...],"edges":[...]}, services and calls (servicemap.go)
//	GET /api/saved-queries                 {"queries":[{"id","name","address","lastModified"}]} (savedqueries.go)
//	POST /api/saved-queries                {"name","address"} → 201 the saved query
//	PUT, DELETE /api/saved-queries/{id}    replace (200) or delete (204) one
func (a *API) Register(mux *http.ServeMux) {
	mux.Handle("GET /api/traces/{traceID}", a.handle(a.traceV1))
	mux.Handle("GET /api/v2/traces/{traceID}", a.handle(a.traceV2))
	mux.Handle("GET /api/search", a.handle(a.search))
	mux.Handle("GET /api/search/tags", a.handle(a.searchTags))
	mux.Handle("GET /api/search/tag/{tag}/values", a.handle(a.searchTagValues))
	mux.Handle("GET /api/v2/search/tags", a.handle(a.searchTagsV2))
	mux.Handle("GET /api/v2/search/tag/{tag}/values", a.handle(a.searchTagValuesV2))
	mux.Handle("GET /api/status/buildinfo", a.handle(a.buildInfo))
	mux.Handle("GET /api/echo", a.handle(a.echo))
	mux.Handle("GET /api/logs", a.handle(a.logs))
	mux.Handle("GET /api/services", a.handle(a.services))
	mux.Handle("GET /api/metrics", a.handle(a.metricsList))
	mux.Handle("GET /api/metrics/{name}/points", a.handle(a.metricPoints))
	// TraceQL metrics, as Tempo serves them; a metric named query_range
	// keeps its points under /api/metrics/query_range/points.
	mux.Handle("GET /api/metrics/query_range", a.handle(a.metricsQueryRange))
	mux.Handle("GET /api/metrics/query", a.handle(a.metricsQueryInstant))
	mux.Handle("POST /api/query", a.handle(a.queryRun))
	mux.Handle("GET /api/columns", a.handle(a.columnsList))
	mux.Handle("POST /api/bubbleup", a.handle(a.bubbleUp))
	a.registerOptional(mux)
	mux.Handle("GET /api/servicemap", a.handle(a.serviceMap))
	mux.Handle("/api/", unmatched(mux))
	mux.Handle("/api", unmatched(mux))
}

// registerOptional mounts the routes whose readers may be missing.
func (a *API) registerOptional(mux *http.ServeMux) {
	if a.cfg.LogGroups != nil {
		mux.Handle("GET /api/cwlogs/groups", a.handle(a.logGroups))
	}
	if a.cfg.MetricFilters != nil {
		mux.Handle("GET /api/cwlogs/metricfilters", a.handle(a.metricFilters))
		mux.Handle("GET /api/cwlogs/metricfilters/series", a.handle(a.metricFilterSeries))
	}
	if a.cfg.Errors != nil {
		mux.Handle("GET /api/errors", a.handle(a.traceErrors))
	}
	if a.cfg.Projects != nil {
		mux.Handle("POST /api/errors/projects", a.handle(a.createProject))
	}
	if a.cfg.Tokens != nil {
		mux.Handle("POST /api/errors/tokens", a.handle(a.createToken))
	}
	if a.cfg.SavedQueries != nil {
		mux.Handle("GET /api/saved-queries", a.handle(a.savedQueries))
		mux.Handle("POST /api/saved-queries", a.handle(a.putSavedQuery))
		mux.Handle("PUT /api/saved-queries/{id}", a.handle(a.putSavedQuery))
		mux.Handle("DELETE /api/saved-queries/{id}", a.handle(a.deleteSavedQuery))
	}
}

// project chooses the project a request reads: Config.Project's choice.
func (a *API) project(r *http.Request) string {
	if a.cfg.Project != nil {
		return a.cfg.Project(r)
	}
	return model.DefaultProject
}

// handlerFunc is a handler that returns its failure instead of writing it.
// It must not return an error after it has written the response status.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle runs h under the query timeout and turns its error into a JSON
// error reply, once, here.
func (a *API) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), a.cfg.QueryTimeout)
		defer cancel()
		if err := h(w, r.WithContext(ctx)); err != nil {
			a.fail(ctx, w, r, err)
		}
	})
}

// httpError is a failure with the status and message the client gets.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// badRequest makes a 400 whose message names the parameter.
func badRequest(param string, err error) error {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf("%s: %v", param, err)}
}

// notImplemented makes a 501 for a request the configured store cannot
// answer.
func notImplemented(what string) error {
	return &httpError{status: http.StatusNotImplemented, msg: what + ": the store does not support it"}
}

func notFound(format string, args ...any) error {
	return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

// storeError marks a failure of the store, whose errors name their query.
func storeError(err error) error { return fmt.Errorf("store: %w", err) }

// fail writes err as {"error": "..."}: the status of an httpError, 504 when
// the query timeout ran out, nothing when the client went away, else 500.
func (a *API) fail(ctx context.Context, w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		writeError(w, he.status, he.msg)
	case r.Context().Err() != nil:
		a.log.Debug("client went away", "path", r.URL.Path, "err", err)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		a.log.Warn("query timed out", "path", r.URL.Path, "timeout", a.cfg.QueryTimeout, "err", err)
		writeError(w, http.StatusGatewayTimeout, fmt.Sprintf("query timed out after %s", a.cfg.QueryTimeout))
	default:
		a.log.Error("query failed", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// echo answers Tempo's /api/echo, which Grafana calls to test a data source.
func (a *API) echo(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("echo"))
	return nil
}
