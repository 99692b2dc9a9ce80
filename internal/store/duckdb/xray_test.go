package duckdb

import (
	"context"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
)

func xraySpan(trace, id byte, start time.Time, attrs ...model.KeyValue) model.Span {
	sp := testSpan(trace, start)
	sp.SpanID = model.SpanID{id}
	sp.Attributes = attrs
	return sp
}

func TestTraceStartsAndSpansOfTraces(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	nested := model.KeyValue{Key: "list", Value: model.ArrayValue(model.IntValue(1), model.IntValue(2))}
	spans := []model.Span{
		xraySpan(1, 1, t0, model.KeyValue{Key: docAttr, Value: model.StringValue(`{"big":"doc"}`)}, nested,
			model.KeyValue{Key: metaPrefix + "default", Value: model.StringValue(`{}`)},
			model.KeyValue{Key: "aws.xray.annotations.k", Value: model.IntValue(7)}),
		xraySpan(1, 2, t0.Add(time.Second)),
		xraySpan(2, 1, t0.Add(2*time.Second)),
		xraySpan(3, 1, t0.Add(3*time.Second)),
		xraySpan(4, 1, t0.Add(time.Hour)), // outside the window
	}
	spans[3].Resource.Attributes = model.Attributes{{Key: "service.name", Value: model.StringValue("svc")}}
	if err := s.Write(ctx, &model.Batch{Spans: spans}); err != nil {
		t.Fatal(err)
	}
	end := t0.Add(time.Minute)
	ids, starts, err := s.TraceStarts(ctx, "p", "", t0, end, model.TraceID{}, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []model.TraceID{{3}, {2}}) || starts[0] != t0.Add(3*time.Second).UnixNano() {
		t.Fatalf("first page %v %v", ids, starts)
	}
	ids, _, err = s.TraceStarts(ctx, "p", "", t0, end, ids[1], starts[1], 2)
	if err != nil || !slices.Equal(ids, []model.TraceID{{1}}) {
		t.Fatalf("second page %v %v", ids, err)
	}
	if ids, _, _ = s.TraceStarts(ctx, "p", "svc", t0, end, model.TraceID{}, 0, 10); !slices.Equal(ids, []model.TraceID{{3}}) {
		t.Errorf("by service: %v", ids)
	}
	got, err := s.SpansOfTraces(ctx, "p", []model.TraceID{{2}, {1}, {9}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got[0]) != 1 || len(got[1]) != 2 || len(got[2]) != 0 {
		t.Fatalf("spans per trace: %d %d %d", len(got[0]), len(got[1]), len(got[2]))
	}
	a := got[1][0].Attributes
	if _, ok := a.Get(docAttr); ok || len(a) != 2 {
		t.Errorf("light attributes %+v", a)
	}
	if v, _ := a.Get("list"); len(v.Array) != 2 {
		t.Errorf("nested value lost: %+v", a)
	}
	if v, _ := a.Get("aws.xray.annotations.k"); v.Int != 7 {
		t.Errorf("annotation lost: %+v", a)
	}
}

func TestServerSpanNames(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	defer s.Close()
	mk := func(trace byte, name, url string) model.Span {
		sp := xraySpan(trace, 1, t0, model.KeyValue{Key: "url.full", Value: model.StringValue(url)})
		sp.Kind, sp.Name = model.SpanKindServer, name
		sp.Resource.Attributes = model.Attributes{{Key: "service.name", Value: model.StringValue(name)}}
		return sp
	}
	spans := []model.Span{mk(1, "backend-flask", "http://localhost:4567/api"), mk(2, "backend-flask", "http://localhost:4567/x"),
		mk(3, "localhost", "http://localhost:4567/api")}
	if err := s.Write(ctx, &model.Batch{Spans: spans}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ServerSpanNames(ctx, "p", t0.Add(-time.Minute), t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "backend-flask" || got[0].Count != 2 || got[0].URLHost != "localhost:4567" ||
		got[1].Name != "localhost" || got[1].Count != 1 {
		t.Errorf("names %+v", got)
	}
}
