// Package xrayapi serves X-Ray's read operations in the REST-JSON shapes
// of the AWS SDKs: GetTraceSummaries, BatchGetTraces, GetTraceGraph,
// GetServiceGraph and GetTimeSeriesServiceStatistics. It decodes requests,
// asks a Reader and renders the answer or the error; what is answered is
// decided by internal/xrayread (groups resolved through
// internal/xraygroups). The other operations of the X-Ray API are served
// beside it: centralized sampling by samplingapi, groups, tags, telemetry
// and encryption by configapi. docs/xray-api.md describes the operations.
package xrayapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
	"lookout/internal/xraygroups"
	"lookout/internal/xrayread"
)

// Paths of the X-Ray read operations (restJson1, all POST).
const (
	TraceSummariesPath = "/TraceSummaries" // GetTraceSummaries
	TracesPath         = "/Traces"         // BatchGetTraces
	TraceGraphPath     = "/TraceGraph"     // GetTraceGraph
	ServiceGraphPath   = "/ServiceGraph"   // GetServiceGraph
)

// Reader answers the read operations. *xrayread.Service implements it.
type Reader interface {
	Summaries(ctx context.Context, project string, q xrayread.SummaryQuery) (xrayread.SummaryPage, error)
	Traces(ctx context.Context, project string, ids []model.TraceID) ([]xrayread.Trace, error)
	TraceGraph(ctx context.Context, project string, ids []model.TraceID) ([]xrayread.Node, error)
	ServiceGraph(ctx context.Context, project string, q xrayread.GraphQuery) ([]xrayread.Node, error)
	TimeSeries(ctx context.Context, project string, q xrayread.StatsQuery) ([]xrayread.StatsPoint, error)
}

// ReadConfig configures the read operations.
type ReadConfig struct {
	// MaxWindow is the longest StartTime–EndTime range of one request.
	// Default 24h, as X-Ray.
	MaxWindow time.Duration
	// Project maps a request to its project; nil: model.DefaultProject.
	Project func(*http.Request) string
	Logger  *slog.Logger // nil: slog.Default()
}

// DefaultReadConfig returns the defaults documented on ReadConfig.
func DefaultReadConfig() ReadConfig { return ReadConfig{MaxWindow: 24 * time.Hour} }

// Validate reports the first invalid field.
func (c ReadConfig) Validate() error {
	if c.MaxWindow <= 0 {
		return errors.New("xray read api: MaxWindow must be positive")
	}
	return nil
}

// ReadAPI serves the read operations. Errors use the X-Ray error shape
// (X-Amzn-ErrorType + {"message"}): InvalidRequestException for a request
// that is malformed or asks too much, InternalFailure when the store fails.
// It is safe for concurrent use.
type ReadAPI struct {
	cfg  ReadConfig
	read Reader
	log  *slog.Logger
}

// NewReadAPI builds the read operations over read.
func NewReadAPI(cfg ReadConfig, read Reader) (*ReadAPI, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if read == nil {
		return nil, errors.New("xray read api: nil reader")
	}
	a := &ReadAPI{cfg: cfg, read: read, log: cfg.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	return a, nil
}

// Register mounts the five operations (POST only) on mux.
func (a *ReadAPI) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+TraceSummariesPath, a.traceSummaries)
	mux.HandleFunc("POST "+TracesPath, a.batchGetTraces)
	mux.HandleFunc("POST "+TraceGraphPath, a.traceGraph)
	mux.HandleFunc("POST "+ServiceGraphPath, a.serviceGraph)
	mux.HandleFunc("POST "+TimeSeriesPath, a.timeSeries)
}

func (a *ReadAPI) project(r *http.Request) string {
	if a.cfg.Project != nil {
		return a.cfg.Project(r)
	}
	return model.DefaultProject
}

// readError answers a failed read: a group the request names that is not
// there (*xraygroups.Error) as InvalidRequestException, a failure of the
// store as InternalFailure.
func (a *ReadAPI) readError(w http.ResponseWriter, r *http.Request, op string, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away
	}
	var ge *xraygroups.Error
	if errors.As(err, &ge) {
		restjson.Invalid(w, "%s", ge.Error())
		return
	}
	a.log.Error("x-ray read api", "op", op, "err", err)
	restjson.WriteError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
}

// window reads StartTime and EndTime (required, epoch seconds, start before
// end, within MaxWindow).
func (a *ReadAPI) window(w http.ResponseWriter, start, end *float64) (time.Time, time.Time, bool) {
	if start == nil || end == nil {
		restjson.Invalid(w, "StartTime and EndTime are required")
		return time.Time{}, time.Time{}, false
	}
	s, e := restjson.FromEpoch(*start), restjson.FromEpoch(*end)
	switch {
	case !e.After(s):
		restjson.Invalid(w, "EndTime must be after StartTime")
		return s, e, false
	case e.Sub(s) > a.cfg.MaxWindow:
		restjson.Invalid(w, "the time range may not exceed %s", a.cfg.MaxWindow)
		return s, e, false
	}
	return s, e, true
}
