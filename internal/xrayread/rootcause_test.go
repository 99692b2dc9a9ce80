package xrayread

import (
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query/xrayfilter"
)

// TestRootCauses builds the view of an OTel trace — checkout (a 500) calls
// payments.example.com, which timed out (no segment of its own), and
// inventory, whose own segment answered a 404 after a slow query — and
// evaluates rootcause.* filters over it.
func TestRootCauses(t *testing.T) {
	tid := model.TraceID{0xc, 1}
	t0 := time.Unix(1_800_000_000, 0)
	res := func(svc string) model.Resource {
		return model.Resource{Attributes: model.Attributes{{Key: "service.name", Value: model.StringValue(svc)}}}
	}
	status := func(code int64) model.Attributes {
		return model.Attributes{{Key: "http.response.status_code", Value: model.IntValue(code)}}
	}
	span := func(id byte, parent byte, svc, name string, kind model.SpanKind, from, to time.Duration, attrs model.Attributes) model.Span {
		s := model.Span{Project: model.DefaultProject, TraceID: tid, SpanID: model.SpanID{id}, Name: name, Kind: kind,
			StartUnixNano: t0.Add(from).UnixNano(), EndUnixNano: t0.Add(to).UnixNano(), Resource: res(svc), Attributes: attrs}
		if parent != 0 {
			s.ParentSpanID = model.SpanID{parent}
		}
		return s
	}
	charge := span(2, 1, "checkout", "POST /charge", model.SpanKindClient, 10*time.Millisecond, 310*time.Millisecond,
		append(status(504), model.KeyValue{Key: "url.full", Value: model.StringValue("https://payments.example.com/charge")}))
	charge.Events = []model.SpanEvent{{Name: "exception", Attributes: model.Attributes{
		{Key: "exception.type", Value: model.StringValue("TimeoutError")}, {Key: "exception.message", Value: model.StringValue("deadline exceeded")}}}}
	spans := []model.Span{
		span(1, 0, "checkout", "POST /checkout", model.SpanKindServer, 0, time.Second, status(500)),
		charge,
		span(3, 1, "checkout", "GET inventory", model.SpanKindClient, 320*time.Millisecond, 990*time.Millisecond, status(404)),
		span(4, 3, "inventory", "GET /sku", model.SpanKindServer, 330*time.Millisecond, 980*time.Millisecond, status(404)),
		span(5, 4, "inventory", "Query", model.SpanKindInternal, 340*time.Millisecond, 970*time.Millisecond, nil),
	}
	v := viewOf(tid, spans)
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`rootcause.fault.service { name = "payments.example.com" AND inferred }`, true},
		{`rootcause.fault.entity { name = "POST /charge" AND remote }`, true},
		{`rootcause.fault.exception { name = "TimeoutError" AND message = "deadline exceeded" }`, true},
		{`rootcause.fault.service { name = "checkout" }`, false},
		{`rootcause.error.service { name = "inventory" }`, true},
		{`rootcause.error.entity { name = "GET /sku" AND !remote }`, true},
		{`rootcause.responseTime.entity { name = "Query" }`, true},
		{`rootcause.responseTime.service { name = "inventory" AND !inferred }`, true},
	} {
		e, err := xrayfilter.Parse(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := xrayfilter.Match(e, &v.facts); got != c.want {
			t.Errorf("%s = %v, want %v (causes %+v)", c.expr, got, c.want, v.facts.RootCauses)
		}
	}
}
