package api

import (
	"math"
	"time"

	"lookout/internal/model"
)

// t0 is the fixtures' base time; the test clock reads now = t0 + 1h, so the
// default 24h window is [t0-23h, t0+1h).
var t0 = time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC)

func testNow() time.Time { return t0.Add(time.Hour) }

func at(d time.Duration) int64 { return t0.Add(d).UnixNano() }

// The fixture, by trace:
//
//	A  t0 .. +120ms     checkout "GET /cart" (200, every value kind, event, link)
//	                    > db "SELECT cart" (error, db.system=postgres)
//	B  t0+10m .. +2s    payment "POST /pay" (error, 500)
//	C  t0-30h .. +5ms   checkout "GET /health" (outside the default window)
//	X  t0+20m .. +300ms legacy "xray-segment", an X-Ray id
//	S  t0+40m .. +1ms   checkout "GET /short", id 000...abcdef (short hex form)
var (
	traceA       = mustTraceID("ff0102030405060708090a0b0c0d0e0f")
	traceB       = mustTraceID("80b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0")
	traceC       = mustTraceID("0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c")
	traceX       = mustTraceID("1-5759e988-bd862e3fe1be46a994272793")
	traceS       = mustTraceID("abcdef")
	unknownTrace = mustTraceID("0123456789abcdef0123456789abcdef")
)

func mustTraceID(s string) model.TraceID {
	id, err := parseTraceID(s)
	if err != nil {
		panic(err)
	}
	return id
}

func sid(n byte) model.SpanID { return model.SpanID{0xf0, 1, 2, 3, 4, 5, 6, n} }

func str(k, v string) model.KeyValue { return model.KeyValue{Key: k, Value: model.StringValue(v)} }

func kv(k string, v model.Value) model.KeyValue { return model.KeyValue{Key: k, Value: v} }

func res(service string) model.Resource {
	return model.Resource{Attributes: model.Attributes{str("service.name", service), str("host.name", "box-1")}}
}

func span(trace model.TraceID, id, parent byte, service, name string, start, dur time.Duration, attrs ...model.KeyValue) model.Span {
	s := model.Span{
		Project: model.DefaultProject, TraceID: trace, SpanID: sid(id), Name: name, Kind: model.SpanKindServer,
		StartUnixNano: at(start), EndUnixNano: at(start + dur), Attributes: attrs, Resource: res(service),
		Scope: model.Scope{Name: "lookout/apitest", Version: "1.0.0"},
	}
	if parent != 0 {
		s.ParentSpanID = sid(parent)
	}
	return s
}

// rootA carries every value kind, an event and a link, for the round trip.
func rootA() model.Span {
	s := span(traceA, 1, 0, "checkout", "GET /cart", 0, 120*time.Millisecond,
		kv("http.status_code", model.IntValue(200)),
		str("http.url", "https://shop.example/cart?a=<b>&c"),
		kv("big", model.IntValue(math.MaxInt64)),
		kv("ratio", model.DoubleValue(0.25)),
		kv("ok", model.BoolValue(true)),
		kv("raw", model.BytesValue([]byte{0, 1, 0xfe})),
		kv("list", model.ArrayValue(model.StringValue("x"), model.IntValue(7))),
		kv("map", model.MapValue(str("k", "v"))),
		str("traceId", "an attribute named like an id field"),
	)
	s.TraceState = "vendor=abc"
	s.Flags = 1
	s.StatusCode = model.StatusOK
	s.Events = []model.SpanEvent{{TimeUnixNano: at(5 * time.Millisecond), Name: "cache.miss",
		Attributes: model.Attributes{str("key", "cart:42")}}}
	s.Links = []model.SpanLink{{TraceID: traceB, SpanID: sid(9), TraceState: "k=v",
		Attributes: model.Attributes{kv("link.n", model.IntValue(-1))}}}
	return s
}

func fixtureSpans() []model.Span {
	ms := time.Millisecond
	dbSpan := span(traceA, 2, 1, "db", "SELECT cart", 10*ms, 50*ms, str("db.system", "postgres"))
	dbSpan.Kind = model.SpanKindClient
	dbSpan.StatusCode, dbSpan.StatusMessage = model.StatusError, "deadlock"
	pay := span(traceB, 1, 0, "payment", "POST /pay", 10*time.Minute, 2*time.Second,
		kv("http.status_code", model.IntValue(500)))
	pay.StatusCode = model.StatusError
	return []model.Span{
		rootA(), dbSpan, pay,
		span(traceC, 1, 0, "checkout", "GET /health", -30*time.Hour, 5*ms),
		span(traceX, 1, 0, "legacy", "xray-segment", 20*time.Minute, 300*ms),
		span(traceS, 1, 0, "checkout", "GET /short", 40*time.Minute, ms),
	}
}

// The logs, by time:
//
//	-30h     checkout DEBUG "health ok"           trace C (outside the default window)
//	+5ms     checkout INFO  "cart loaded"         trace A span 1, user.id=42
//	+50ms    checkout WARN  {msg: slow query,...} trace A span 2
//	+10m1s   payment  ERROR "card declined"       trace B, CloudWatch group/stream
//	+30m     (no service) FATAL "<disk> & full"
func fixtureLogs() []model.LogEvent {
	lg := func(d time.Duration, service string, sev int32, text string, body model.Value) model.LogEvent {
		l := model.LogEvent{
			Project: model.DefaultProject, TimeUnixNano: at(d), ObservedTimeUnixNano: at(d + time.Millisecond),
			SeverityNumber: sev, SeverityText: text, Body: body,
			Scope: model.Scope{Name: "lookout/apitest"},
		}
		if service != "" {
			l.Resource = res(service)
		}
		return l
	}
	health := lg(-30*time.Hour, "checkout", 5, "DEBUG", model.StringValue("health ok"))
	health.TraceID = traceC
	loaded := lg(5*time.Millisecond, "checkout", 9, "INFO", model.StringValue("cart loaded"))
	loaded.TraceID, loaded.SpanID = traceA, sid(1)
	loaded.Attributes = model.Attributes{kv("user.id", model.IntValue(42))}
	slow := lg(50*time.Millisecond, "checkout", 13, "WARN", model.MapValue(
		str("msg", "Slow Query"), kv("ms", model.IntValue(250)), kv("tags", model.ArrayValue(model.StringValue("db")))))
	slow.TraceID, slow.SpanID = traceA, sid(2)
	declined := lg(10*time.Minute+time.Second, "payment", 17, "ERROR", model.StringValue("card declined"))
	declined.TraceID = traceB
	declined.LogGroup, declined.LogStream = "/aws/lambda/pay", "2025/03/10/[$LATEST]abc"
	full := lg(30*time.Minute, "", 21, "FATAL", model.StringValue("<disk> & full"))
	return []model.LogEvent{health, loaded, slow, declined, full}
}

func fixtureBatch() *model.Batch {
	return &model.Batch{Spans: fixtureSpans(), Logs: fixtureLogs(), Metrics: fixtureMetrics()}
}
