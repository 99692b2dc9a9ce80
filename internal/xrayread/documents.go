package xrayread

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
	"lookout/internal/store"
	"lookout/internal/tracelint"
)

// Trace is one trace as BatchGetTraces answers it.
type Trace struct {
	ID model.TraceID
	// Found is false when no span of the trace is stored.
	Found bool
	// Duration is first start to last end, in seconds.
	Duration float64
	Segments []Segment
}

// Segment is one segment document of a trace.
type Segment struct {
	ID       string // the document's id (its span id)
	Document string // JSON
}

// Traces returns the segment documents of each trace, in the order of ids.
func (s *Service) Traces(ctx context.Context, project string, ids []model.TraceID) ([]Trace, error) {
	out := make([]Trace, len(ids))
	for i, id := range ids {
		out[i].ID = id
		spans, err := s.src.Trace(ctx, project, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		t := tracelint.Build(spans)
		start, end := t.Bounds()
		out[i].Found, out[i].Duration, out[i].Segments = true, seconds(end-start), documents(t)
	}
	return out, nil
}

// documents returns the trace's segment documents: for X-Ray-born spans the
// documents as received (the best copy of a repeated id), for other spans a
// document synthesised per segment, with its same-service descendants as
// nested subsegments.
func documents(t *tracelint.Tree) []Segment {
	var out []Segment
	for i, sp := range t.Spans {
		if sp.Scope.Name == xrayfilter.ScopeName {
			if doc, ok := sp.Attributes.Get(tracelint.AttrDocument); ok {
				out = append(out, Segment{ID: sp.SpanID.String(), Document: doc.Str})
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
		out = append(out, Segment{ID: sp.SpanID.String(), Document: string(b)})
	}
	if out == nil {
		out = []Segment{}
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
		if !t.IsSegment(c) && t.Spans[c].Scope.Name != xrayfilter.ScopeName {
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
