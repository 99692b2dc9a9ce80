package tracelint

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lookout/internal/model"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// sp builds a span made from an X-Ray document: id and parent are small
// numbers (0: none), times are milliseconds after t0.
func sp(id, parent byte, service, name string, startMs, endMs int, attrs ...model.KeyValue) model.Span {
	s := model.Span{TraceID: model.TraceID{1}, SpanID: model.SpanID{7, id}, Name: name, Kind: model.SpanKindInternal,
		Scope:         model.Scope{Name: XRayScopeName},
		StartUnixNano: t0.Add(time.Duration(startMs) * time.Millisecond).UnixNano(),
		EndUnixNano:   t0.Add(time.Duration(endMs) * time.Millisecond).UnixNano(), Attributes: attrs}
	if parent != 0 {
		s.ParentSpanID = model.SpanID{7, parent}
	}
	if service != "" {
		s.Resource.Attributes = model.Attributes{{Key: "service.name", Value: model.StringValue(service)}}
	}
	return s
}

func server(s model.Span) model.Span { s.Kind = model.SpanKindServer; return s }

// otel makes s a span from an OpenTelemetry SDK.
func otel(s model.Span) model.Span { s.Scope = model.Scope{Name: "io.opentelemetry.flask"}; return s }

var (
	inProgress = model.KeyValue{Key: AttrInProgress, Value: model.BoolValue(true)}
	traced     = model.KeyValue{Key: AttrTraced, Value: model.BoolValue(true)}
)

func open(s model.Span) model.Span {
	s.Attributes = append(s.Attributes, inProgress)
	s.EndUnixNano = s.StartUnixNano
	return s
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name  string
		now   time.Duration // after t0
		spans []model.Span
		want  []string // rule:span name
	}{
		{"clean", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), sp(2, 1, "shop", "load", 10, 50)}, nil},
		{"unclosed past timeout", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), open(sp(2, 1, "shop", "forgotten", 10, 0))},
			[]string{"unclosed:forgotten"}},
		{"in progress but young", time.Minute, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), open(sp(2, 1, "shop", "forgotten", 10, 0))}, nil},
		{"replaced by the complete copy", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			open(sp(2, 1, "shop", "late", 10, 0)), sp(2, 1, "shop", "late", 10, 90)}, nil},
		{"parent closed before child", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), sp(2, 1, "shop", "slow", 10, 150)},
			[]string{"closed-before-child:slow"}},
		{"orphan, reported once per missing parent", time.Hour, []model.Span{sp(2, 9, "shop", "a", 0, 10), sp(3, 9, "shop", "b", 0, 10)},
			[]string{"orphan:a"}},
		{"traced call without downstream", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			sp(2, 1, "shop", "inventory", 10, 50, traced)}, []string{"missing-downstream:inventory"}},
		{"traced call with downstream", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			sp(2, 1, "shop", "inventory", 10, 50, traced), server(sp(3, 2, "inventory", "inventory", 12, 48))}, nil},
		{"callee clock behind", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			sp(2, 1, "shop", "call", 10, 50), server(sp(3, 2, "inventory", "inventory", -200, -170))}, []string{"clock-skew:inventory"}},
		{"async callee outliving caller is not skew", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			sp(2, 1, "shop", "enqueue", 10, 12), server(sp(3, 2, "worker", "worker", 11, 500))}, nil},
		{"independent subsegment inherits service", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			sp(2, 1, "", "row-21", 10, 20)}, nil},
		// OpenTelemetry: a child may outlive its parent; in-progress and
		// traced are X-Ray document fields. Orphans and skew still count.
		{"otel child outliving its parent", time.Hour, []model.Span{otel(server(sp(1, 0, "shop", "GET /cart", 0, 100))),
			otel(sp(2, 1, "shop", "send-email", 10, 150))}, nil},
		{"otel span with X-Ray flags", time.Hour, []model.Span{otel(server(sp(1, 0, "shop", "GET /cart", 0, 100))),
			otel(open(sp(2, 1, "shop", "x", 10, 0))), otel(sp(3, 1, "shop", "call", 10, 50, traced))}, nil},
		{"otel orphan", time.Hour, []model.Span{otel(sp(2, 9, "shop", "a", 0, 10))}, []string{"orphan:a"}},
		{"otel callee clock behind", time.Hour, []model.Span{otel(server(sp(1, 0, "shop", "GET /cart", 0, 100))),
			otel(sp(2, 1, "shop", "call", 10, 50)), otel(server(sp(3, 2, "inventory", "GET /stock", -200, -170)))},
			[]string{"clock-skew:GET /stock"}},
		{"X-Ray parent with an otel child", time.Hour, []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)),
			otel(sp(2, 1, "shop", "async", 10, 150))}, nil},
	}
	for _, tc := range cases {
		cfg := DefaultConfig()
		cfg.Now = func() time.Time { return t0.Add(tc.now) }
		r := Check(cfg, tc.spans)
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.Rule+":"+f.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: findings %v, want %v (%+v)", tc.name, got, tc.want, r.Findings)
		}
	}
}

func TestUnclosedFindingDetails(t *testing.T) {
	loc := []model.KeyValue{{Key: "code.function", Value: model.StringValue("main.leak")},
		{Key: "code.filepath", Value: model.StringValue("/app/main.go")}, {Key: "code.lineno", Value: model.IntValue(42)}}
	spans := []model.Span{server(sp(1, 0, "shop", "shop", 0, 100)), sp(2, 1, "shop", "work", 5, 90), open(sp(3, 2, "shop", "forgotten", 10, 0, loc...))}
	cfg := DefaultConfig()
	cfg.Now = func() time.Time { return t0.Add(10 * time.Minute) }
	r := Check(cfg, spans)
	if len(r.Findings) != 1 {
		t.Fatalf("findings %+v", r.Findings)
	}
	f := r.Findings[0]
	if f.Path != "shop > work > forgotten" || f.OpenedAt != "main.leak (/app/main.go:42)" || f.Service != "shop" ||
		!strings.Contains(f.Message, `parent "work" closed without it`) || f.Severity != "error" {
		t.Errorf("finding %+v", f)
	}
	if r.TraceID != (model.TraceID{1}).String() || r.Spans != 3 {
		t.Errorf("report %+v", r)
	}
}

func TestTreeCycleAndSegments(t *testing.T) {
	// A parent cycle must not hang; segments split by service.
	spans := []model.Span{sp(1, 2, "a", "x", 0, 10), sp(2, 1, "a", "y", 1, 9), server(sp(3, 0, "b", "b", 0, 5)), sp(4, 3, "b", "c", 1, 2)}
	tr := Build(spans)
	if tr.Root() < 0 || !tr.IsSegment(tr.Index[model.SpanID{7, 3}]) || tr.IsSegment(tr.Index[model.SpanID{7, 4}]) {
		t.Errorf("tree %+v", tr)
	}
	_ = Check(DefaultConfig(), spans)
}
