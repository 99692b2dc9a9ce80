package tracelint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Source is what the lint and naming endpoints read.
type Source interface {
	// Trace returns the spans of one trace; store.ErrNotFound (wrapped) when
	// there are none.
	Trace(ctx context.Context, project string, id model.TraceID) ([]model.Span, error)
	store.TraceScanner
	// Logs streams log events; the lints read the X-Ray receiver's records
	// of refused documents with it.
	Logs(ctx context.Context, q store.LogQuery) iter.Seq2[model.LogEvent, error]
}

// HandlerConfig configures the HTTP endpoints.
type HandlerConfig struct {
	Lint Config
	// MaxTraces bounds the traces one service lint examines. Default 2,000.
	MaxTraces int
	// MaxRejected bounds the records of refused documents one lint reads
	// (a trace's, or a service's over the window). Default 10,000.
	MaxRejected int
	// Project maps a request to its project; nil: model.DefaultProject.
	Project func(*http.Request) string
	// Clients, when set, tells the naming report which sampling clients
	// each process polls with.
	Clients ClientLinker
	Logger  *slog.Logger // nil: slog.Default()
}

// ClientLinker finds the X-Ray sampling clients of processes.
type ClientLinker interface {
	// SamplingClients maps sources (the addresses processes send X-Ray
	// segments from) to the ClientIDs of the GetSamplingTargets reports
	// their segments in [start, end) match; sources it cannot tie to a
	// client are left out.
	SamplingClients(ctx context.Context, project string, sources []string, start, end time.Time) (map[string][]string, error)
}

// DefaultHandlerConfig returns the defaults documented on HandlerConfig.
func DefaultHandlerConfig() HandlerConfig {
	return HandlerConfig{Lint: DefaultConfig(), MaxTraces: 2000, MaxRejected: 10_000}
}

// Handlers serves trace lint and segment naming as Lookout JSON.
type Handlers struct {
	cfg HandlerConfig
	src Source
	log *slog.Logger
}

// NewHandlers builds the endpoints over src.
func NewHandlers(cfg HandlerConfig, src Source) (*Handlers, error) {
	if err := cfg.Lint.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxTraces <= 0 || cfg.MaxRejected <= 0 {
		return nil, errors.New("tracelint: MaxTraces and MaxRejected must be positive")
	}
	if src == nil {
		return nil, errors.New("tracelint: nil source")
	}
	h := &Handlers{cfg: cfg, src: src, log: cfg.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	return h, nil
}

// Register mounts:
//
//	GET /api/traces/{traceID}/lint      Report of one trace
//	GET /api/services/{service}/lint    findings over a service's traces (start, end, limit)
//	GET /api/xray/naming                segment names per service (start, end)
func (h *Handlers) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/traces/{traceID}/lint", h.traceLint)
	mux.HandleFunc("GET /api/services/{service}/lint", h.serviceLint)
	mux.HandleFunc("GET /api/xray/naming", h.naming)
}

func (h *Handlers) project(r *http.Request) string {
	if h.cfg.Project != nil {
		return h.cfg.Project(r)
	}
	return model.DefaultProject
}

func (h *Handlers) traceLint(w http.ResponseWriter, r *http.Request) {
	id, err := model.ParseTraceID(r.PathValue("traceID"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	project := h.project(r)
	spans, err := h.src.Trace(r.Context(), project, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, "trace lint", err)
		return
	}
	// A trace whose documents were all refused has no spans, only these.
	rejected, _, _, err := h.rejectedFindings(r.Context(),
		store.LogQuery{Project: project, TraceID: id, Limit: h.cfg.MaxRejected}, h.cfg.MaxRejected)
	if err != nil {
		h.fail(w, "trace lint", err)
		return
	}
	if len(spans) == 0 && len(rejected) == 0 {
		writeError(w, http.StatusNotFound, fmt.Sprintf("trace %s not found", id))
		return
	}
	rep := Check(h.cfg.Lint, spans)
	rep.TraceID = id.String()
	rep.Findings = append(rep.Findings, rejected...)
	writeJSON(w, http.StatusOK, rep)
}

// ServiceReport is the lint of a service's recent traces, and of the
// documents of the service the X-Ray receiver refused in the window.
type ServiceReport struct {
	Service       string         `json:"service"`
	Start         time.Time      `json:"start"`
	End           time.Time      `json:"end"`
	TracesChecked int            `json:"tracesChecked"`
	Truncated     bool           `json:"truncated"` // more traces exist than were checked
	Counts        map[string]int `json:"counts"`    // findings per rule, rejected-document included
	Traces        []Report       `json:"traces"`    // traces with findings, newest first
	// Rejected lists refused documents, newest first (up to 100);
	// RejectedTruncated says the count stopped at MaxRejected records.
	Rejected          []Finding `json:"rejected"`
	RejectedTruncated bool      `json:"rejectedTruncated"`
}

func (h *Handlers) serviceLint(w http.ResponseWriter, r *http.Request) {
	start, end, err := window(r, time.Hour)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit := h.cfg.MaxTraces
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit %q: want a positive integer", s))
			return
		}
		limit = min(n, limit)
	}
	service, project := r.PathValue("service"), h.project(r)
	rep := ServiceReport{Service: service, Start: start, End: end, Counts: map[string]int{}, Traces: []Report{}, Rejected: []Finding{}}
	q := store.TraceStartQuery{Project: project, Service: service, Start: start, End: end}
	for rep.TracesChecked < limit {
		q.Limit = min(500, limit-rep.TracesChecked)
		refs, err := h.src.TraceStarts(r.Context(), q)
		if err != nil {
			h.fail(w, "service lint", err)
			return
		}
		ids := make([]model.TraceID, len(refs))
		for i, ref := range refs {
			ids[i] = ref.ID
		}
		spans, err := h.src.SpansOfTraces(r.Context(), project, ids, BulkTrim)
		if err != nil {
			h.fail(w, "service lint", err)
			return
		}
		for i := range ids {
			rep.TracesChecked++
			q.After = &refs[i]
			tr := Check(h.cfg.Lint, spans[i])
			for _, f := range tr.Findings {
				rep.Counts[f.Rule]++
			}
			if len(tr.Findings) > 0 && len(rep.Traces) < maxListed {
				rep.Traces = append(rep.Traces, tr)
			}
		}
		if len(ids) == 0 || rep.TracesChecked >= limit {
			rep.Truncated = len(ids) > 0
			break
		}
	}
	rejected, n, truncated, err := h.rejectedFindings(r.Context(), store.LogQuery{Project: project, Start: start, End: end,
		Service: service, Limit: h.cfg.MaxRejected, Descending: true}, maxListed)
	if err != nil {
		h.fail(w, "service lint", err)
		return
	}
	rep.Rejected, rep.RejectedTruncated = rejected, truncated
	if n > 0 {
		rep.Counts[RuleRejectedDocument] = n
	}
	writeJSON(w, http.StatusOK, rep)
}

// maxListed bounds the traces, and the refused documents, one service lint
// lists.
const maxListed = 100

func (h *Handlers) fail(w http.ResponseWriter, op string, err error) {
	h.log.Error("tracelint", "op", op, "err", err)
	writeError(w, http.StatusInternalServerError, op+": "+err.Error())
}

// window reads the start and end query parameters (unix seconds or
// RFC 3339); the default is the last def up to now.
func window(r *http.Request, def time.Duration) (time.Time, time.Time, error) {
	parse := func(name string, dflt time.Time) (time.Time, error) {
		s := r.URL.Query().Get(name)
		if s == "" {
			return dflt, nil
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC(), nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return t, fmt.Errorf("%s %q: want unix seconds or RFC 3339", name, s)
		}
		return t, nil
	}
	end, err := parse("end", time.Now().UTC())
	if err != nil {
		return end, end, err
	}
	start, err := parse("start", end.Add(-def))
	if err != nil {
		return start, end, err
	}
	if !end.After(start) {
		return start, end, errors.New("end must be after start")
	}
	return start, end, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encode: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
