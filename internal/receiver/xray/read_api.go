package xray

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"time"

	"lookout/internal/caller"
	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// Paths of the X-Ray read operations (restJson1, all POST).
const (
	TraceSummariesPath = "/TraceSummaries" // GetTraceSummaries
	TracesPath         = "/Traces"         // BatchGetTraces
	TraceGraphPath     = "/TraceGraph"     // GetTraceGraph
	ServiceGraphPath   = "/ServiceGraph"   // GetServiceGraph
)

// TraceSource is what the read API needs from a store.
type TraceSource interface {
	// Trace returns every stored span of the trace; store.ErrNotFound (wrapped)
	// when there is none.
	Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error)
	// TraceStarts and SpansOfTraces page through the traces of a window
	// (SpansOfTraces is called with tracelint.BulkTrim).
	TraceStarts(ctx context.Context, q store.TraceStartQuery) ([]query.TraceRef, error)
	SpansOfTraces(ctx context.Context, project string, ids []model.TraceID, trim store.SpanTrim) ([][]model.Span, error)
}

// ReadConfig configures the read API.
type ReadConfig struct {
	// MaxWindow is the longest StartTime–EndTime range of one request.
	// Default 24h, as X-Ray.
	MaxWindow time.Duration
	// PageSize is the number of summaries per GetTraceSummaries page.
	// Default 100.
	PageSize int
	// ScanBatch is the number of candidate traces read from the store at a
	// time; ScanLimit bounds the traces one request examines before it
	// returns what it has with a NextToken (the page may then be short or
	// empty, as X-Ray's are). Defaults 500 and 20,000.
	ScanBatch, ScanLimit int
	// GraphTraceLimit bounds the traces GetServiceGraph aggregates. Default
	// 20,000.
	GraphTraceLimit int
	// Project maps a request to its project; nil: model.DefaultProject.
	Project func(*http.Request) string
	Logger  *slog.Logger // nil: slog.Default()
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// DefaultReadConfig returns the defaults documented on ReadConfig.
func DefaultReadConfig() ReadConfig {
	return ReadConfig{MaxWindow: 24 * time.Hour, PageSize: 100, ScanBatch: 500, ScanLimit: 20000, GraphTraceLimit: 20000}
}

// Validate reports the first invalid field.
func (c ReadConfig) Validate() error {
	if c.MaxWindow <= 0 || c.PageSize <= 0 || c.ScanBatch <= 0 || c.ScanLimit < c.ScanBatch || c.GraphTraceLimit <= 0 {
		return errors.New("xray read api: MaxWindow, PageSize, ScanBatch, GraphTraceLimit must be positive and ScanLimit at least ScanBatch")
	}
	return nil
}

// ReadAPI serves the X-Ray read operations in the REST-JSON shapes of the
// AWS SDKs: GetTraceSummaries, BatchGetTraces, GetTraceGraph and
// GetServiceGraph. Errors use the X-Ray error shape (X-Amzn-ErrorType +
// {"message"}). It is safe for concurrent use.
type ReadAPI struct {
	cfg ReadConfig
	src TraceSource
	log *slog.Logger
}

// NewReadAPI builds the read API over src.
func NewReadAPI(cfg ReadConfig, src TraceSource) (*ReadAPI, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errors.New("xray read api: nil trace source")
	}
	a := &ReadAPI{cfg: cfg, src: src, log: cfg.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.cfg.Now == nil {
		a.cfg.Now = time.Now
	}
	return a, nil
}

// Register mounts the four operations (POST only) on mux.
func (a *ReadAPI) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+TraceSummariesPath, a.traceSummaries)
	mux.HandleFunc("POST "+TracesPath, a.batchGetTraces)
	mux.HandleFunc("POST "+TraceGraphPath, a.traceGraph)
	mux.HandleFunc("POST "+ServiceGraphPath, a.serviceGraph)
}

func (a *ReadAPI) project(r *http.Request) string {
	if a.cfg.Project != nil {
		return a.cfg.Project(r)
	}
	return projectFor(caller.AccessKeyID(r))
}

// maxReadBody bounds a read request body; they are small.
const maxReadBody = 1 << 20

// decode reads a JSON request body into v, refusing unknown fields' types
// (unknown names are ignored, as newer SDKs add fields). An empty body is {}.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReadBody))
	if err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "reading request body: "+err.Error())
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "request body: "+describeJSONError(err))
		return false
	}
	return true
}

func invalid(w http.ResponseWriter, format string, args ...any) {
	awsError(w, http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(format, args...))
}

// storeError answers a failed store read.
func (a *ReadAPI) storeError(w http.ResponseWriter, r *http.Request, op string, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away
	}
	a.log.Error("x-ray read api", "op", op, "err", err)
	awsError(w, http.StatusInternalServerError, "InternalFailure", op+": "+err.Error())
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", requestID())
	_ = json.NewEncoder(w).Encode(v)
}

// epoch is a time as the X-Ray API sends it: a JSON number of seconds.
type epoch float64

func epochOf(nano int64) *epoch { e := epoch(float64(nano) / 1e9); return &e }

// MarshalJSON writes up to microsecond precision without exponent.
func (e epoch) MarshalJSON() ([]byte, error) {
	f := float64(e)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	return []byte(fmt.Sprintf("%.6f", f)), nil
}

// window reads StartTime and EndTime (required, epoch seconds, start before
// end, within MaxWindow).
func (a *ReadAPI) window(w http.ResponseWriter, start, end *float64) (time.Time, time.Time, bool) {
	if start == nil || end == nil {
		invalid(w, "StartTime and EndTime are required")
		return time.Time{}, time.Time{}, false
	}
	s, e := fromEpoch(*start), fromEpoch(*end)
	switch {
	case !e.After(s):
		invalid(w, "EndTime must be after StartTime")
		return s, e, false
	case e.Sub(s) > a.cfg.MaxWindow:
		invalid(w, "the time range may not exceed %s", a.cfg.MaxWindow)
		return s, e, false
	}
	return s, e, true
}

func fromEpoch(f float64) time.Time {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}
