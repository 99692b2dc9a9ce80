package xraysampling

import (
	"context"
	"log/slog"
	"sort"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// memSegments is a SegmentReader over spans held in memory.
type memSegments struct{ spans []model.Span }

func (m *memSegments) add(spans ...model.Span) { m.spans = append(m.spans, spans...) }

func (m *memSegments) in(sp *model.Span, project string, start, end time.Time) bool {
	return sp.Project == project && (start.IsZero() || sp.StartUnixNano >= start.UnixNano()) &&
		(end.IsZero() || sp.StartUnixNano < end.UnixNano())
}

func (m *memSegments) Services(_ context.Context, project string, start, end time.Time) ([]store.ServiceStat, error) {
	n := map[string]int64{}
	for i := range m.spans {
		if m.in(&m.spans[i], project, start, end) {
			n[m.spans[i].Service()]++
		}
	}
	out := []store.ServiceStat{}
	for name, c := range n {
		out = append(out, store.ServiceStat{Name: name, SpanCount: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (m *memSegments) TraceStarts(_ context.Context, q store.TraceStartQuery) ([]query.TraceRef, error) {
	first := map[model.TraceID]int64{}
	for i := range m.spans {
		sp := &m.spans[i]
		if !m.in(sp, q.Project, q.Start, q.End) || (q.Service != "" && sp.Service() != q.Service) {
			continue
		}
		if s, ok := first[sp.TraceID]; !ok || sp.StartUnixNano < s {
			first[sp.TraceID] = sp.StartUnixNano
		}
	}
	out := []query.TraceRef{}
	for id, s := range first {
		out = append(out, query.TraceRef{ID: id, Start: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start > out[j].Start })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (m *memSegments) SpansOfTraces(_ context.Context, project string, ids []model.TraceID, _ store.SpanTrim) ([][]model.Span, error) {
	out := make([][]model.Span, len(ids))
	for i, id := range ids {
		for _, sp := range m.spans {
			if sp.Project == project && sp.TraceID == id {
				out[i] = append(out[i], sp)
			}
		}
	}
	return out, nil
}

// Query answers the one query the diagnostics make: distinct span ids of
// SERVER spans of the X-Ray scope per sampling rule, source and service,
// in buckets of the query's granularity.
func (m *memSegments) Query(_ context.Context, project string, q query.Query) (query.Result, error) {
	type key struct {
		rule, source, service string
		bucket                int64
	}
	ids := map[key]map[model.SpanID]bool{}
	str := func(a model.Attributes, k string) string {
		if v, ok := a.Get(k); ok {
			return v.AsString()
		}
		return ""
	}
	for i := range m.spans {
		sp := &m.spans[i]
		if !m.in(sp, project, q.Start, q.End) || sp.Kind != model.SpanKindServer || sp.Scope.Name != xrayScope {
			continue
		}
		k := key{str(sp.Attributes, AttrSamplingRule), str(sp.Resource.Attributes, AttrUDPSource), sp.Service(),
			(sp.StartUnixNano - q.Start.UnixNano()) / int64(q.Granularity)}
		if ids[k] == nil {
			ids[k] = map[model.SpanID]bool{}
		}
		ids[k][sp.SpanID] = true
	}
	var res query.Result
	for k, set := range ids {
		group := []any{nil, nil, k.service}
		if k.rule != "" {
			group[0] = k.rule
		}
		if k.source != "" {
			group[1] = k.source
		}
		res.Series = append(res.Series, query.Row{Time: q.Start.Add(time.Duration(k.bucket) * q.Granularity), Group: group,
			Values: []any{int64(len(set))}})
	}
	sort.Slice(res.Series, func(i, j int) bool { return res.Series[i].Time.Before(res.Series[j].Time) })
	return res, nil
}

// segmentSpan is an X-Ray segment (a SERVER span) of service for a request
// to url, in its own trace.
func segmentSpan(service, method, url string, trace byte, at time.Time, attrs ...model.KeyValue) model.Span {
	return model.Span{Project: model.DefaultProject, TraceID: model.TraceID{1, trace}, SpanID: model.SpanID{1, trace},
		Name: service, Kind: model.SpanKindServer, StartUnixNano: at.UnixNano(), EndUnixNano: at.UnixNano() + 1e6,
		Scope: model.Scope{Name: "lookout/receiver/xray"},
		Attributes: append(model.Attributes{
			{Key: "http.request.method", Value: model.StringValue(method)},
			{Key: "url.full", Value: model.StringValue(url)},
		}, attrs...),
		Resource: model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}}}
}

// newServiceOver builds a service with rules in memory and segs to read,
// its clock at *now.
func newServiceOver(t testing.TB, segs SegmentReader, now *time.Time) *Service {
	t.Helper()
	cfg := DefaultServiceConfig()
	cfg.Now, cfg.Logger = func() time.Time { return *now }, slog.New(slog.DiscardHandler)
	s, err := NewService(cfg, &memRules{}, segs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// memRules is a RuleStore in memory.
type memRules struct{ docs []store.Document }

func (m *memRules) PutDocument(_ context.Context, d store.Document, ifVersion int64) (store.Document, error) {
	for i, x := range m.docs {
		if x.Project == d.Project && x.Kind == d.Kind && x.Name == d.Name {
			d.Version = x.Version + 1
			m.docs[i] = d
			return d, nil
		}
	}
	d.Version = 1
	m.docs = append(m.docs, d)
	return d, nil
}

func (m *memRules) Documents(_ context.Context, project, kind string) ([]store.Document, error) {
	var out []store.Document
	for _, x := range m.docs {
		if x.Project == project && x.Kind == kind {
			out = append(out, x)
		}
	}
	return out, nil
}

func (m *memRules) DeleteDocument(_ context.Context, project, kind, name string, _ int64) error {
	for i, x := range m.docs {
		if x.Project == project && x.Kind == kind && x.Name == name {
			m.docs = append(m.docs[:i], m.docs[i+1:]...)
			return nil
		}
	}
	return store.ErrNotFound
}
