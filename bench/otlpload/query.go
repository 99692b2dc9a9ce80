package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// queryConfig says which queries to time against a loaded server.
type queryConfig struct {
	Base          string          // base URL of the main HTTP port
	TraceIDs      []trace.TraceID // acknowledged traces to look up
	SpansPerTrace int             // what a complete trace must hold
	TraceQueries  int             // lookups of present traces
	AbsentQueries int             // lookups of ids that were never sent
	SearchRepeats int             // runs of each search
	Warmup        int             // untimed lookups first
	Start, End    time.Time       // when the loaded traces start
	Seed          uint64
}

// latency summarises the timings of one kind of query.
type latency struct {
	Name      string
	N         int
	Errors    int // wrong status or content
	First     time.Duration
	P50, P90  time.Duration
	P99, Max  time.Duration
	Results   int    // traces found by the last run (searches)
	ErrSample string // first error seen
}

// runQueries times trace-by-id lookups and searches, one at a time.
func runQueries(cfg queryConfig) []latency {
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	client := &http.Client{Timeout: 5 * time.Minute}
	var out []latency

	if len(cfg.TraceIDs) > 0 {
		pick := func() trace.TraceID { return cfg.TraceIDs[rng.IntN(len(cfg.TraceIDs))] }
		for range cfg.Warmup {
			_, _, _ = get(client, cfg.Base+"/api/traces/"+pick().String())
		}
		out = append(out, timeRuns("trace by id", cfg.TraceQueries, func() (int, error) {
			id := pick()
			code, body, err := get(client, cfg.Base+"/api/traces/"+id.String())
			if err != nil {
				return 0, err
			}
			if code != http.StatusOK {
				return 0, fmt.Errorf("trace %s: status %d", id, code)
			}
			if n := bytes.Count(body, []byte(`"spanId"`)); n != cfg.SpansPerTrace {
				return 0, fmt.Errorf("trace %s: %d spans, %d acknowledged", id, n, cfg.SpansPerTrace)
			}
			return 1, nil
		}))
	}
	out = append(out, timeRuns("trace by id, absent (404)", cfg.AbsentQueries, func() (int, error) {
		var id trace.TraceID
		putUint64(id[:8], rng.Uint64()|1<<63) // never generated together with the low half below
		putUint64(id[8:], 0xbe4c4b0000000000|rng.Uint64N(1<<40))
		code, _, err := get(client, cfg.Base+"/api/traces/"+id.String())
		if err != nil {
			return 0, err
		}
		if code != http.StatusNotFound {
			return 0, fmt.Errorf("absent trace %s: status %d", id, code)
		}
		return 0, nil
	}))

	start, end := cfg.Start.Add(-time.Minute), cfg.End.Add(time.Minute)
	unix := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	for _, s := range searches {
		i := 0
		out = append(out, timeRuns("search: "+s.name, cfg.SearchRepeats, func() (int, error) {
			q := url.Values{"tags": {s.tags(i)}, "limit": {"20"}, "start": {unix(start)}, "end": {unix(end)}}
			if s.minDuration != "" {
				q.Set("minDuration", s.minDuration)
			}
			if s.last > 0 {
				q.Set("start", unix(end.Add(-s.last)))
			}
			i++
			code, body, err := get(client, cfg.Base+"/api/search?"+q.Encode())
			if err != nil {
				return 0, err
			}
			if code != http.StatusOK {
				return 0, fmt.Errorf("search %s: status %d: %.200s", q.Encode(), code, body)
			}
			var r struct {
				Traces []json.RawMessage `json:"traces"`
			}
			if err := json.Unmarshal(body, &r); err != nil {
				return 0, fmt.Errorf("search %s: %w", q.Encode(), err)
			}
			return len(r.Traces), nil
		}))
	}
	return out
}

// search is one timed search; tags(i) may vary with the run number.
type search struct {
	name        string
	tags        func(i int) string
	minDuration string
	last        time.Duration // only the last this long of the window
}

var searches = []search{
	{name: "service.name=<svc>, whole window", tags: func(i int) string { return "service.name=" + services[i%len(services)] }},
	{name: "service.name=frontend http.route=/api/checkout minDuration=100ms",
		tags: func(int) string { return "service.name=frontend http.route=/api/checkout" }, minDuration: "100ms"},
	{name: "http.response.status_code=500", tags: func(int) string { return "http.response.status_code=500" }},
	{name: "service.name=payment status=error", tags: func(int) string { return "service.name=payment status=error" }},
	{name: "service.name=<svc>, last 15 min", tags: func(i int) string { return "service.name=" + services[i%len(services)] },
		last: 15 * time.Minute},
}

// timeRuns runs f n times and summarises its durations. f returns the number
// of results of the run, or an error.
func timeRuns(name string, n int, f func() (int, error)) latency {
	l := latency{Name: name}
	ds := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		res, err := f()
		d := time.Since(t0)
		if err != nil {
			l.Errors++
			if l.ErrSample == "" {
				l.ErrSample = err.Error()
			}
			continue
		}
		if len(ds) == 0 {
			l.First = d
		}
		l.Results = res
		ds = append(ds, d)
	}
	l.N = len(ds)
	l.P50, l.P90, l.P99, l.Max = percentile(ds, 50), percentile(ds, 90), percentile(ds, 99), percentile(ds, 100)
	return l
}

func get(c *http.Client, u string) (int, []byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}
