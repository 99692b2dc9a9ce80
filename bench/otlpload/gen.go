package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// services are the five services a generated trace crosses.
var services = []string{"frontend", "cart", "checkout", "payment", "inventory"}

// operation is one of the ten span names, with what every span of it carries.
type operation struct {
	service int
	name    string
	kind    trace.SpanKind
	static  []attribute.KeyValue // attributes that do not vary per span
}

// operations: the first three are the frontend's HTTP routes (trace roots),
// the others are the internal calls below them.
var operations = []operation{
	{0, "GET /api/products/{id}", trace.SpanKindServer, httpServer("GET", "/api/products/{id}")},
	{0, "POST /api/cart", trace.SpanKindServer, httpServer("POST", "/api/cart")},
	{0, "POST /api/checkout", trace.SpanKindServer, httpServer("POST", "/api/checkout")},
	{1, "cart.CartService/GetCart", trace.SpanKindServer, rpcServer("cart.CartService", "GetCart")},
	{1, "GET", trace.SpanKindClient, dbClient("redis", "GET", "GET cart:*", "cache")},
	{2, "checkout.CheckoutService/PlaceOrder", trace.SpanKindServer, rpcServer("checkout.CheckoutService", "PlaceOrder")},
	{2, "SELECT orders", trace.SpanKindClient, dbClient("postgresql", "SELECT", "SELECT id, total FROM orders WHERE user_id = $1", "orders-db")},
	{3, "payment.PaymentService/Charge", trace.SpanKindServer, rpcServer("payment.PaymentService", "Charge")},
	{3, "POST", trace.SpanKindClient, httpClient("POST", "api.payments.example", "/v1/charges")},
	{4, "inventory.InventoryService/Reserve", trace.SpanKindServer, rpcServer("inventory.InventoryService", "Reserve")},
}

const rootOperations = 3

func httpServer(method, route string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("http.request.method", method),
		attribute.String("http.route", route),
		attribute.String("url.scheme", "https"),
		attribute.String("server.address", "shop.example.com"),
	}
}

func httpClient(method, host, path string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("http.request.method", method),
		attribute.String("server.address", host),
		attribute.String("url.full", "https://"+host+path),
		attribute.Int("server.port", 443),
	}
}

func rpcServer(svc, method string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("rpc.system", "grpc"),
		attribute.String("rpc.service", svc),
		attribute.String("rpc.method", method),
		attribute.Int("server.port", 8080),
	}
}

func dbClient(system, op, stmt, host string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("db.system", system),
		attribute.String("db.operation.name", op),
		attribute.String("db.query.text", stmt),
		attribute.String("server.address", host),
	}
}

// genConfig shapes generated traces.
type genConfig struct {
	SpansPerTrace int
	Now           time.Time     // the newest trace start
	Spread        time.Duration // trace starts fall in [Now-Spread, Now]
	// Shuffled starts traces at random times of the window. Otherwise trace
	// i of n starts at Now-Spread + Spread*i/n, less up to Lateness: the
	// window is replayed in order, as live traffic arrives.
	Shuffled bool
	Lateness time.Duration
}

// startOf returns when trace i of n starts.
func (g *generator) startOf(i, n int64) time.Time {
	c := g.cfg
	if c.Shuffled || n <= 0 {
		return c.Now.Add(-time.Duration(g.rng.Int64N(int64(c.Spread) + 1)))
	}
	t := c.Now.Add(-c.Spread + time.Duration(float64(c.Spread)*float64(i)/float64(n)))
	if c.Lateness > 0 {
		t = t.Add(-time.Duration(g.rng.Int64N(int64(c.Lateness))))
	}
	return t
}

// generator builds traces as the SDK hands finished spans to an exporter. It
// is not safe for concurrent use: each load worker owns one.
type generator struct {
	cfg   genConfig
	rng   *rand.Rand
	res   [][]*resource.Resource // per service, three instances
	scope instrumentation.Scope
	pools pools
}

// pools hold pre-built attribute values, so generating costs the driver little
// CPU while values still vary as real ones do.
type pools struct {
	users, products, clients, agents []attribute.KeyValue
}

var sharedPools = func() pools {
	var p pools
	for i := range 20000 {
		p.users = append(p.users, attribute.String("enduser.id", fmt.Sprintf("user-%06d", i*7919%1000003)))
	}
	for i := range 5000 {
		p.products = append(p.products, attribute.String("url.path", fmt.Sprintf("/api/products/%d", 100000+i*31)))
	}
	for i := range 1000 {
		p.clients = append(p.clients, attribute.String("client.address", fmt.Sprintf("10.%d.%d.%d", i%7, i/7%250, i%251)))
	}
	for _, a := range []string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"okhttp/4.12.0", "curl/8.11.0",
	} {
		p.agents = append(p.agents, attribute.String("user_agent.original", a))
	}
	return p
}()

func newGenerator(cfg genConfig, seed uint64) *generator {
	g := &generator{
		cfg:   cfg,
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		scope: instrumentation.Scope{Name: "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", Version: "0.72.0"},
		pools: sharedPools,
	}
	for i, svc := range services {
		var inst []*resource.Resource
		for j := range 3 {
			inst = append(inst, resource.NewSchemaless(
				attribute.String("service.name", svc),
				attribute.String("service.version", fmt.Sprintf("1.%d.%d", 4+i, j)),
				attribute.String("service.instance.id", fmt.Sprintf("%s-7d9f8b6c4-%05d", svc, 10000+j*1117)),
				attribute.String("host.name", fmt.Sprintf("ip-10-0-%d-%d.ec2.internal", i, 10+j)),
				attribute.String("deployment.environment.name", "production"),
				attribute.String("telemetry.sdk.language", "go"),
				attribute.String("telemetry.sdk.name", "opentelemetry"),
				attribute.String("telemetry.sdk.version", "1.47.0"),
			))
		}
		g.res = append(g.res, inst)
	}
	return g
}

// trace appends the spans of one new trace, starting at start, to dst and
// returns its id.
func (g *generator) trace(dst []sdktrace.ReadOnlySpan, start time.Time) (trace.TraceID, []sdktrace.ReadOnlySpan) {
	n := g.cfg.SpansPerTrace
	var tid trace.TraceID
	putUint64(tid[:8], g.rng.Uint64())
	putUint64(tid[8:], g.rng.Uint64())
	user := g.pools.users[g.rng.IntN(len(g.pools.users))]
	client := g.pools.clients[g.rng.IntN(len(g.pools.clients))]
	agent := g.pools.agents[g.rng.IntN(len(g.pools.agents))]

	type node struct {
		sc         trace.SpanContext
		start, end time.Time
	}
	nodes := make([]node, 0, n)
	stubs := make(tracetest.SpanStubs, n)
	for i := range stubs {
		var sid trace.SpanID
		putUint64(sid[:], g.rng.Uint64()|1)
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
		var op operation
		var parent trace.SpanContext
		var s, e time.Time
		if i == 0 {
			op = operations[g.rng.IntN(rootOperations)]
			s, e = start, start.Add(g.rootDuration())
		} else {
			op = operations[rootOperations+g.rng.IntN(len(operations)-rootOperations)]
			p := nodes[g.rng.IntN(len(nodes))]
			parent = p.sc
			pd := p.end.Sub(p.start)
			s = p.start.Add(time.Duration(g.rng.Float64() * 0.5 * float64(pd)))
			e = s.Add(time.Duration((0.05 + 0.45*g.rng.Float64()) * float64(pd)))
		}
		nodes = append(nodes, node{sc, s, e})
		failed := g.rng.IntN(100) == 0
		stubs[i] = tracetest.SpanStub{
			Name:                 op.name,
			SpanContext:          sc,
			Parent:               parent,
			SpanKind:             op.kind,
			StartTime:            s,
			EndTime:              e,
			Attributes:           g.attributes(op, i == 0, failed, user, client, agent),
			Resource:             g.res[op.service][g.rng.IntN(3)],
			InstrumentationScope: g.scope,
		}
		if failed {
			stubs[i].Status = sdktrace.Status{Code: codes.Error, Description: "upstream request timed out"}
			stubs[i].Events = []sdktrace.Event{{Name: "exception", Time: e, Attributes: []attribute.KeyValue{
				attribute.String("exception.type", "*net.OpError"),
				attribute.String("exception.message", "dial tcp 10.0.3.17:8080: i/o timeout"),
			}}}
		} else if g.rng.IntN(10) == 0 {
			stubs[i].Events = g.events(s, e)
		}
	}
	for i := range stubs {
		dst = append(dst, stubs[i].Snapshot())
	}
	return tid, dst
}

// rootDuration is log-normal: median 40ms, about 1 in 10 over 150ms.
func (g *generator) rootDuration() time.Duration {
	d := math.Exp(math.Log(40e6) + 1.0*g.rng.NormFloat64())
	return time.Duration(min(d, 30e9))
}

func (g *generator) attributes(op operation, root, failed bool, user, client, agent attribute.KeyValue) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, len(op.static)+4)
	attrs = append(attrs, op.static...)
	status := 200
	if failed {
		status = 500
	}
	switch {
	case root:
		attrs = append(attrs, attribute.Int("http.response.status_code", status), user, client, agent)
		if op.name == operations[0].name {
			attrs[2] = g.pools.products[g.rng.IntN(len(g.pools.products))] // url.path in place of url.scheme
		}
	case op.kind == trace.SpanKindServer:
		code := 0
		if failed {
			code = 4 // DEADLINE_EXCEEDED
		}
		attrs = append(attrs, attribute.Int("rpc.grpc.status_code", code), user,
			attribute.String("network.peer.address", "10.0.2.31"), attribute.Int("thread.id", 1+g.rng.IntN(64)))
	default:
		attrs = append(attrs, attribute.Int("http.response.status_code", status), user,
			attribute.Int("db.response.returned_rows", g.rng.IntN(50)), attribute.Int("thread.id", 1+g.rng.IntN(64)))
	}
	return attrs
}

func (g *generator) events(s, e time.Time) []sdktrace.Event {
	d := e.Sub(s)
	evs := []sdktrace.Event{{Name: "cache.miss", Time: s.Add(d / 10), Attributes: []attribute.KeyValue{
		attribute.String("cache.key", fmt.Sprintf("cart:%d", g.rng.IntN(100000))),
	}}}
	if g.rng.IntN(3) == 0 {
		evs = append(evs, sdktrace.Event{Name: "retry", Time: s.Add(d / 2), Attributes: []attribute.KeyValue{
			attribute.Int("retry.attempt", 1), attribute.String("retry.reason", "connection reset"),
		}})
	}
	return evs
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (56 - 8*i))
	}
}
