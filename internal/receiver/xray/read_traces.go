package xray

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"lookout/internal/model"
	"lookout/internal/store"
	"lookout/internal/tracelint"
)

// MaxBatchTraceIDs is the most trace ids one BatchGetTraces or GetTraceGraph
// request may name, as in X-Ray.
const MaxBatchTraceIDs = 5

type traceIDsRequest struct {
	TraceIds  []string
	NextToken *string
}

type segmentOut struct {
	Id       string
	Document string
}

type traceOut struct {
	Id            string
	Duration      float64
	LimitExceeded bool
	Segments      []segmentOut
}

type batchResponse struct {
	Traces              []traceOut
	UnprocessedTraceIds []string
}

// traceIDs reads and checks the TraceIds of a request.
func traceIDs(w http.ResponseWriter, r *http.Request) ([]string, []model.TraceID, bool) {
	var in traceIDsRequest
	if !decode(w, r, &in) {
		return nil, nil, false
	}
	if len(in.TraceIds) == 0 || len(in.TraceIds) > MaxBatchTraceIDs {
		invalid(w, "TraceIds: give 1 to %d trace ids, not %d", MaxBatchTraceIDs, len(in.TraceIds))
		return nil, nil, false
	}
	ids := make([]model.TraceID, len(in.TraceIds))
	for i, s := range in.TraceIds {
		id, err := model.ParseTraceID(s)
		if err != nil {
			invalid(w, "TraceIds[%d]: %v", i, err)
			return nil, nil, false
		}
		ids[i] = id
	}
	return in.TraceIds, ids, true
}

func (a *ReadAPI) batchGetTraces(w http.ResponseWriter, r *http.Request) {
	names, ids, ok := traceIDs(w, r)
	if !ok {
		return
	}
	project := a.project(r)
	out := batchResponse{Traces: []traceOut{}, UnprocessedTraceIds: []string{}}
	for i, id := range ids {
		spans, err := a.src.Trace(r.Context(), project, id)
		if errors.Is(err, store.ErrNotFound) {
			out.UnprocessedTraceIds = append(out.UnprocessedTraceIds, names[i])
			continue
		}
		if err != nil {
			a.storeError(w, r, "BatchGetTraces", err)
			return
		}
		t := tracelint.Build(spans)
		start, end := t.Bounds()
		out.Traces = append(out.Traces, traceOut{Id: id.XRayString(), Duration: seconds(end - start), Segments: documents(t)})
	}
	writeJSON(w, out)
}

// documents returns the trace's segment documents: for X-Ray-born spans the
// documents as received (the best copy of a repeated id), for other spans a
// document synthesised per segment, with its same-service descendants as
// nested subsegments.
func documents(t *tracelint.Tree) []segmentOut {
	var out []segmentOut
	for i, sp := range t.Spans {
		if sp.Scope.Name == ScopeName {
			if doc, ok := sp.Attributes.Get(AttrDocument); ok {
				out = append(out, segmentOut{Id: sp.SpanID.String(), Document: doc.Str})
			}
			continue
		}
		if !t.IsSegment(i) {
			continue
		}
		b, err := json.Marshal(synthesize(t, i, true))
		if err != nil {
			continue // model values always marshal; defensive
		}
		out = append(out, segmentOut{Id: sp.SpanID.String(), Document: string(b)})
	}
	if out == nil {
		out = []segmentOut{}
	}
	return out
}

// synthesize builds the segment (top) or subsegment document of span i.
func synthesize(t *tracelint.Tree, i int, top bool) map[string]any {
	sp := t.Spans[i]
	d := map[string]any{
		"id":         sp.SpanID.String(),
		"name":       sp.Name,
		"start_time": json.Number(nanoText(sp.StartUnixNano)),
	}
	if top {
		d["name"] = t.Service[i]
		d["trace_id"] = sp.TraceID.XRayString()
		if !sp.ParentSpanID.IsZero() {
			d["parent_id"] = sp.ParentSpanID.String()
		}
	}
	if tracelint.InProgress(sp) {
		d["in_progress"] = true
	} else {
		d["end_time"] = json.Number(nanoText(sp.EndUnixNano))
	}
	if sp.Kind == model.SpanKindClient || sp.Kind == model.SpanKindProducer {
		d["namespace"] = "remote"
	}
	o := outcomeOf(sp)
	if h := o.HTTP; h.Method != "" || h.URL != "" || h.Status != 0 {
		req := map[string]any{}
		for k, v := range map[string]string{"method": h.Method, "url": h.URL, "user_agent": h.UserAgent, "client_ip": h.ClientIP} {
			if v != "" {
				req[k] = v
			}
		}
		hd := map[string]any{"request": req}
		if h.Status != 0 {
			hd["response"] = map[string]any{"status": h.Status}
		}
		d["http"] = hd
	}
	if o.Fault {
		d["fault"] = true
	}
	if o.Error {
		d["error"] = true
	}
	if o.Throttle {
		d["throttle"] = true
	}
	if ex := exceptions(sp); ex != nil {
		d["cause"] = map[string]any{"exceptions": ex}
	}
	if md := metadataOf(sp, top); len(md) > 0 {
		d["metadata"] = map[string]any{"default": md}
	}
	var subs []map[string]any
	for _, c := range t.Children[i] {
		if !t.IsSegment(c) && t.Spans[c].Scope.Name != ScopeName {
			subs = append(subs, synthesize(t, c, false))
		}
	}
	if subs != nil {
		d["subsegments"] = subs
	}
	return d
}

// metadataOf keeps the span's attributes (and, on a segment, its
// resource's) as plain JSON values, as the AWS OTel exporter does.
func metadataOf(sp *model.Span, top bool) map[string]any {
	md := map[string]any{}
	for _, kv := range sp.Attributes {
		md[kv.Key] = plain(kv.Value)
	}
	if top {
		for _, kv := range sp.Resource.Attributes {
			md["otel.resource."+kv.Key] = plain(kv.Value)
		}
	}
	return md
}

func plain(v model.Value) any {
	switch v.Kind {
	case model.KindString:
		return v.Str
	case model.KindBool:
		return v.Bool
	case model.KindInt:
		return v.Int
	case model.KindDouble:
		return v.Double
	}
	return v.AsString()
}

func exceptions(sp *model.Span) []map[string]any {
	var out []map[string]any
	for n, e := range sp.Events {
		if e.Name != "exception" {
			continue
		}
		typ, _ := e.Attributes.Get("exception.type")
		msg, _ := e.Attributes.Get("exception.message")
		id := sp.SpanID
		id[7] ^= byte(n + 1)
		out = append(out, map[string]any{"id": hex.EncodeToString(id[:]), "type": typ.Str, "message": msg.Str})
	}
	return out
}

// nanoText renders epoch nanoseconds as decimal seconds, exactly.
func nanoText(n int64) string {
	s := strconv.FormatInt(n/1e9, 10)
	frac := n % 1e9
	if frac < 0 {
		frac = -frac
	}
	f := strconv.FormatInt(frac+1e9, 10)[1:]
	for len(f) > 0 && f[len(f)-1] == '0' {
		f = f[:len(f)-1]
	}
	if f == "" {
		return s
	}
	return s + "." + f
}
