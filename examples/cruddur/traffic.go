package cruddur

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request is one kind of request the traffic generator sends.
type Request struct {
	Name   string
	Method string
	Path   string
	// Host overrides the host name of the Host header, which keeps the
	// backend's port, as a proxy passing the original Host on would send
	// it. Dynamic segment naming picks it up.
	Host string
	// User is the handle signed in as ("" for none).
	User string
	Body string
	// Weight is the kind's share of Run's traffic.
	Weight int
}

// Requests is the traffic mix: mostly reads, some posts (a few invalid),
// failing and slow requests, health checks, calls that reach the profiles
// service, requests through a host name, and Rollbar's test message.
func Requests() []Request {
	return []Request{
		{Name: "home", Method: http.MethodGet, Path: "/api/activities/home", User: "andrewbrown", Weight: 30},
		{Name: "user", Method: http.MethodGet, Path: "/api/activities/@worf", Weight: 12},
		{Name: "user-unknown", Method: http.MethodGet, Path: "/api/activities/@quark", Weight: 3},
		{Name: "create", Method: http.MethodPost, Path: "/api/activities", User: "andrewbrown",
			Body: `{"message":"Cloud is very fun!","ttl":"7-days"}`, Weight: 8},
		{Name: "create-invalid", Method: http.MethodPost, Path: "/api/activities", User: "garek",
			Body: `{"message":"","ttl":"forever"}`, Weight: 3},
		{Name: "message-groups", Method: http.MethodGet, Path: "/api/message_groups", User: "worf", Weight: 8},
		{Name: "notifications", Method: http.MethodGet, Path: "/api/activities/notifications", User: "worf", Weight: 8},
		{Name: "search", Method: http.MethodGet, Path: "/api/activities/search?term=cloud", Weight: 6},
		{Name: "health-check", Method: http.MethodGet, Path: "/api/health-check", Weight: 20},
		{Name: "home-by-host", Method: http.MethodGet, Path: "/api/activities/home", Host: "api.cruddur.local", Weight: 5},
		{Name: "rollbar-test", Method: http.MethodGet, Path: "/rollbar/test", Weight: 1},
	}
}

// Result is what a request got back: its status and the X-Ray trace
// header the backend answered with (the trace id, and whether X-Ray
// sampled the request).
type Result struct {
	Request Request
	Status  int
	// TraceID is the X-Ray form (1-…); Sampled is "1", "0" or "".
	TraceID string
	Sampled string
	Err     error
}

// Traffic sends requests to a backend.
type Traffic struct {
	base   string
	client *http.Client
	// inFlight bounds concurrent requests, so slow ones do not pile up.
	inFlight chan struct{}
}

// NewTraffic sends to the backend at baseURL.
func NewTraffic(baseURL string) *Traffic {
	return &Traffic{base: strings.TrimRight(baseURL, "/"), client: &http.Client{Timeout: 30 * time.Second},
		inFlight: make(chan struct{}, 8)}
}

// Send sends one request and waits for its answer.
func (t *Traffic) Send(ctx context.Context, q Request) Result {
	res := Result{Request: q}
	var body io.Reader
	if q.Body != "" {
		body = strings.NewReader(q.Body)
	}
	req, err := http.NewRequestWithContext(ctx, q.Method, t.base+q.Path, body)
	if err != nil {
		res.Err = err
		return res
	}
	if q.Host != "" {
		req.Host = q.Host
		if port := req.URL.Port(); port != "" {
			req.Host = net.JoinHostPort(q.Host, port)
		}
	}
	if q.User != "" {
		req.Header.Set("Authorization", "Bearer "+q.User)
	}
	if q.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.client.Do(req)
	if err != nil {
		res.Err = err
		return res
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	res.Status = resp.StatusCode
	for part := range strings.SplitSeq(resp.Header.Get("X-Amzn-Trace-Id"), ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Root":
			res.TraceID = v
		case "Sampled":
			res.Sampled = v
		}
	}
	return res
}

// Burst sends every kind of request rounds times, up to eight at once, and
// returns the results in the order sent.
func (t *Traffic) Burst(ctx context.Context, rounds int) []Result {
	kinds := Requests()
	out := make([]Result, rounds*len(kinds))
	var wg sync.WaitGroup
	for i := range out {
		t.inFlight <- struct{}{}
		wg.Go(func() {
			defer func() { <-t.inFlight }()
			out[i] = t.Send(ctx, kinds[i%len(kinds)])
		})
	}
	wg.Wait()
	return out
}

// Run sends Rollbar's test message, then requests drawn from the mix by
// weight, rate a second, until ctx ends. observe, when not nil, sees every
// result.
func (t *Traffic) Run(ctx context.Context, rate float64, observe func(Result)) error {
	if rate <= 0 {
		return errors.New("traffic rate must be positive")
	}
	if observe == nil {
		observe = func(Result) {}
	}
	kinds := Requests()
	total := 0
	for _, k := range kinds {
		total += k.Weight
	}
	pick := func() Request {
		n := rand.IntN(total)
		for _, k := range kinds {
			if n -= k.Weight; n < 0 {
				return k
			}
		}
		return kinds[0]
	}
	for _, k := range kinds {
		if k.Name == "rollbar-test" {
			observe(t.Send(ctx, k))
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		select {
		case t.inFlight <- struct{}{}:
		default:
			continue // eight requests still running: skip this tick
		}
		q := pick()
		wg.Go(func() {
			defer func() { <-t.inFlight }()
			if r := t.Send(ctx, q); ctx.Err() == nil {
				observe(r)
			}
		})
	}
}
