package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/query"
	"lookout/internal/store"
)

const contentTypeProtobuf = "application/protobuf"

// traceV1 answers GET /api/traces/{traceID} as Tempo does: the trace as
// OTLP/JSON {"resourceSpans":[...]} (ids in hex), or, when the client
// accepts application/protobuf, as an OTLP TracesData message. Unknown ids
// get 404, malformed ones 400.
func (a *API) traceV1(w http.ResponseWriter, r *http.Request) error {
	return a.trace(w, r, false)
}

// traceV2 answers GET /api/v2/traces/{traceID} as Tempo v2 does: the same
// trace wrapped as {"trace":{"resourceSpans":[...]}}; in protobuf, a message
// whose field 1 holds the TracesData (Tempo's TraceByIDResponse). On both
// routes, q (TraceQL) makes the trace an answer only when the query selects
// it (see traceMatches).
func (a *API) traceV2(w http.ResponseWriter, r *http.Request) error {
	return a.trace(w, r, true)
}

func (a *API) trace(w http.ResponseWriter, r *http.Request, wrapped bool) error {
	id, err := parseTraceID(r.PathValue("traceID"))
	if err != nil {
		return badRequest("traceID", err)
	}
	spans, err := a.cfg.Traces.Trace(r.Context(), a.project(r), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("trace %s not found", id)
	}
	if err != nil {
		return storeError(err)
	}
	if q := r.URL.Query().Get("q"); q != "" {
		if err := a.traceMatches(r, id, spans, q); err != nil {
			return err
		}
	}
	return writeTrace(w, r, spans, wrapped)
}

// traceMatches applies a TraceQL query to a trace lookup: the trace is
// answered, whole, only when the query selects it (the store decides, over
// the trace's own time span, and for structural operators Matched over its
// spans); otherwise 404. A query that does not compile
// is a 400.
func (a *API) traceMatches(r *http.Request, id model.TraceID, spans []model.Span, q string) error {
	compiled, err := compileQ(q)
	if err != nil {
		return err
	}
	if compiled.Where == nil {
		return nil
	}
	if a.cfg.Finder == nil {
		return notImplemented("q on a trace lookup")
	}
	first, last, end := spans[0].StartUnixNano, spans[0].StartUnixNano, spans[0].EndUnixNano
	for _, s := range spans {
		first, last, end = min(first, s.StartUnixNano), max(last, s.StartUnixNano), max(end, s.EndUnixNano)
	}
	tq := query.TraceQuery{
		Start: time.Unix(0, first), End: time.Unix(0, last+1), Limit: 1,
		Reach: max(query.DefaultTraceReach, time.Duration(end-first)),
		Where: query.AllOf(query.SomeSpan(query.Filter{Column: query.ColTraceID, Op: query.FilterEq, Values: []any{id.String()}}), compiled.Where),
	}
	if err := tq.Normalize(); err != nil {
		return badRequest("q", err)
	}
	refs, err := a.cfg.Finder.FindTraces(r.Context(), a.project(r), tq)
	if err != nil {
		return storeError(err)
	}
	if len(refs) == 0 || !compiled.Exact && !slices.Contains(compiled.Matched(spans), true) {
		return notFound("trace %s does not match q", id)
	}
	return nil
}

// writeTrace writes spans in the representation the request accepts.
func writeTrace(w http.ResponseWriter, r *http.Request, spans []model.Span, wrapped bool) error {
	td := otlpconv.TracesData(spans)
	if wantsProtobuf(r) {
		body, err := proto.Marshal(td)
		if err != nil {
			return fmt.Errorf("trace protobuf: %w", err)
		}
		if wrapped {
			// TraceByIDResponse{trace = 1}, and Trace's field 1 is the
			// repeated ResourceSpans, so TracesData bytes are a Trace.
			body = protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), body)
		}
		writeBody(w, http.StatusOK, contentTypeProtobuf, body)
		return nil
	}
	body, err := otlpconv.MarshalJSON(td)
	if err != nil {
		return fmt.Errorf("trace json: %w", err)
	}
	if wrapped {
		body = append(append([]byte(`{"trace":`), body...), '}')
	}
	writeBody(w, http.StatusOK, contentTypeJSON, append(body, '\n'))
	return nil
}

// wantsProtobuf reports whether the Accept header names protobuf before (or
// without) JSON. Quality values are not weighed; order decides, as clients
// that ask for protobuf list it alone.
func wantsProtobuf(r *http.Request) bool {
	for _, accept := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(accept, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			switch mt {
			case contentTypeProtobuf, "application/x-protobuf":
				return true
			case contentTypeJSON, "*/*", "application/*":
				return false
			}
		}
	}
	return false
}
