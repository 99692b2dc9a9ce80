package storetest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"lookout/internal/model"
)

// queryFixture generates the query data set: n spans in project p1 starting
// within [T0, T0+1h), plus spans the queries must never see (project p2, and
// p1 spans an hour before and after). Durations are exponential (mean 40ms,
// "worker" three times slower, errors 200ms slower), in whole microseconds.
//
//	services  api 50%, web 30%, worker 20%
//	names     GET /a, GET /b, POST /c
//	status    error 6% (http.status_code 500), else ok or unset (200, some 404)
//	attrs     http.method, http.status_code (int), tier gold 10% / free,
//	          retry (bool) on some, region (resource), host.name (resource)
//	events    errors: "exception" (exception.type, exception.escaped); every
//	          7th span: "retry" (attempt, int), before the exception
func queryFixture(n int) (in []model.Span, noise []model.Span) {
	r := rand.New(rand.NewPCG(7, 11))
	services := []string{"api", "api", "api", "api", "api", "web", "web", "web", "worker", "worker"}
	names := []string{"GET /a", "GET /b", "POST /c"}
	mk := func(i int, project string, start time.Duration) model.Span {
		svc := services[r.IntN(len(services))]
		name := names[r.IntN(len(names))]
		dur := time.Duration(r.ExpFloat64()*40e3)*time.Microsecond + time.Microsecond
		if svc == "worker" {
			dur *= 3
		}
		code := int64(200)
		status := model.StatusCode(r.IntN(2)) // unset or ok
		if r.IntN(100) < 6 {
			status, code = model.StatusError, 500
			dur += 200 * time.Millisecond
		} else if r.IntN(20) == 0 {
			code = 404
		}
		tier := "free"
		if r.IntN(10) == 0 {
			tier = "gold"
		}
		attrs := model.Attributes{
			str("http.method", name[:len(name)-3]),
			kv("http.status_code", model.IntValue(code)),
			str("tier", tier),
		}
		if r.IntN(4) == 0 {
			attrs = append(attrs, kv("retry", model.BoolValue(r.IntN(2) == 0)))
		}
		var tr model.TraceID
		tr[0], tr[1], tr[2], tr[15] = 0x9a, byte(i>>8), byte(i), 1
		sp := model.Span{
			Project: project, TraceID: tr, SpanID: model.SpanID{1, byte(i >> 16), byte(i >> 8), byte(i)},
			Name: name, Kind: model.SpanKindServer, StartUnixNano: at(start), EndUnixNano: at(start + dur),
			Attributes: attrs, StatusCode: status,
			Resource: resource(svc, str("region", []string{"eu", "us"}[i%2]), str("host.name", fmt.Sprintf("host-%d", i%5))),
		}
		sp.Events = fixtureEvents(i, start, status == model.StatusError)
		return sp
	}
	for i := range n {
		in = append(in, mk(i, "p1", time.Duration(r.Int64N(int64(time.Hour)))))
	}
	for i := range 50 {
		noise = append(noise, mk(n+i, "p2", time.Duration(r.Int64N(int64(time.Hour)))))
		noise = append(noise, mk(n+50+i, "p1", -time.Duration(1+r.Int64N(int64(time.Hour)))))
		noise = append(noise, mk(n+100+i, "p1", time.Hour+time.Duration(r.Int64N(int64(time.Hour)))))
	}
	return in, noise
}

// fixtureEvents returns the events of span i (no randomness: the other
// columns keep their values whatever the events are).
func fixtureEvents(i int, start time.Duration, failed bool) []model.SpanEvent {
	var evs []model.SpanEvent
	if i%7 == 0 {
		evs = append(evs, model.SpanEvent{TimeUnixNano: at(start), Name: "retry",
			Attributes: model.Attributes{kv("attempt", model.IntValue(int64(i%4+1)))}})
	}
	if failed {
		evs = append(evs, model.SpanEvent{TimeUnixNano: at(start), Name: "exception", Attributes: model.Attributes{
			str("exception.type", []string{"IOError", "Timeout", "KeyError"}[i%3]),
			kv("exception.escaped", model.BoolValue(i%2 == 0)),
		}})
	}
	return evs
}
