package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lookout/bench/benchkit"
	"lookout/internal/lookouttest"
)

// tgService is the service.name telemetrygen puts on its spans; the peer
// benchmark searches by it to learn trace ids (telemetrygen's are random).
const tgService = "telemetrygen"

// peerTarget is a trace backend that the telemetrygen mode loads, measures
// and queries.
type peerTarget interface {
	// label names the backend in the report's columns.
	label() string
	// setup describes how it was started and configured, for the report.
	setup() string
	otlpEndpoint() string // host:port of its OTLP/gRPC receiver
	pid() int
	dataDir() string // what it stores, for bytes on disk
	// acked returns the spans it has acknowledged so far and those it refused.
	acked() (acked, refused float64, err error)
	// searchIDs returns up to limit trace ids of tgService with a span in
	// [from, to), newest first.
	searchIDs(c *http.Client, from, to time.Time, limit int) ([]string, error)
	// traceURL is where the trace by id is read.
	traceURL(id string) string
	// countSpans returns the spans of a trace-by-id answer.
	countSpans(body []byte) (int, error)
	stop() error // graceful: SIGTERM and wait
	kill()       // SIGKILL, for errors; a no-op after stop
}

// collectIDs asks search for up to n distinct trace ids spread over
// [from, to): it searches ten equal windows for n/10 each (newest first in
// each), then the whole span for whatever is still missing.
func collectIDs(t peerTarget, from, to time.Time, n int) ([]string, error) {
	c := &http.Client{Timeout: 5 * time.Minute}
	seen := map[string]bool{}
	var ids []string
	add := func(got []string) {
		for _, id := range got {
			if len(ids) < n && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	const windows = 10
	step := to.Sub(from) / windows
	per := (n + windows - 1) / windows
	for i := range windows {
		got, err := t.searchIDs(c, from.Add(time.Duration(i)*step), from.Add(time.Duration(i+1)*step), per)
		if err != nil {
			return ids, err
		}
		add(got)
	}
	if len(ids) < n {
		got, err := t.searchIDs(c, from, to, 2*n)
		if err != nil {
			return ids, err
		}
		add(got)
	}
	return ids, nil
}

// getJSON reads u into v, which must answer 200.
func getJSON(c *http.Client, u string, v any) error {
	code, body, err := get(c, u)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %.300s", u, code, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

func micros(t time.Time) string { return strconv.FormatInt(t.UnixMicro(), 10) }

// lookoutTarget is a lookout started with benchkit.Start.
type lookoutTarget struct {
	srv  *lookouttest.Server
	dir  string
	args []string
}

func startLookoutTarget(bin, dir string, extra []string) (*lookoutTarget, error) {
	srv, err := benchkit.Start(bin, dir, extra...)
	if err != nil {
		return nil, err
	}
	return &lookoutTarget{srv: srv, dir: dir, args: extra}, nil
}

func (l *lookoutTarget) label() string { return "Lookout" }

func (l *lookoutTarget) setup() string {
	s := "`lookout serve --retention 7d --max-disk 0"
	if len(l.args) > 0 {
		s += " " + strings.Join(l.args, " ")
	}
	return s + "` (benchkit.Start; every ack after the group commit's fsync)"
}

func (l *lookoutTarget) otlpEndpoint() string { return l.srv.OTLPGRPC }
func (l *lookoutTarget) pid() int             { return l.srv.Pid }
func (l *lookoutTarget) dataDir() string      { return l.dir }
func (l *lookoutTarget) stop() error          { return l.srv.Stop() }
func (l *lookoutTarget) kill()                { l.srv.Kill() }

func (l *lookoutTarget) acked() (float64, float64, error) {
	m, err := benchkit.Scrape(l.srv.HTTP)
	if err != nil {
		return 0, 0, err
	}
	span := `kind="span"`
	return m.Get("lookout_items_accepted_total", span), m.Get("lookout_items_rejected_total", span), nil
}

func (l *lookoutTarget) searchIDs(c *http.Client, from, to time.Time, limit int) ([]string, error) {
	q := url.Values{"tags": {"service.name=" + tgService}, "start": {micros(from)}, "end": {micros(to)},
		"limit": {strconv.Itoa(limit)}}
	var r struct {
		Traces []struct {
			TraceID string `json:"traceID"`
		} `json:"traces"`
	}
	if err := getJSON(c, l.srv.HTTP+"/api/search?"+q.Encode(), &r); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(r.Traces))
	for _, t := range r.Traces {
		ids = append(ids, t.TraceID)
	}
	return ids, nil
}

func (l *lookoutTarget) traceURL(id string) string { return l.srv.HTTP + "/api/traces/" + id }

func (l *lookoutTarget) countSpans(body []byte) (int, error) {
	return bytes.Count(body, []byte(`"spanId"`)), nil
}

// jaegerTarget is a Jaeger v2 process (see jaeger.go).
type jaegerTarget struct {
	proc    *jaegerProc
	durable bool
}

func (j *jaegerTarget) label() string { return "Jaeger v2 Badger" }

func (j *jaegerTarget) setup() string {
	if j.durable {
		return "`jaeger --config jaeger.yaml` (written by `jaegerConfig` in bench/otlpload/jaeger.go): OTLP/gRPC receiver → jaeger_storage_exporter with no batch " +
			"processor and no queue (the ack waits for the write) → Badger with `ephemeral: false`, " +
			"`consistency: true` (SyncWrites: every write transaction fsyncs)"
	}
	return "`jaeger --config jaeger.yaml` (`-jaeger-as-shipped`): the pipeline of Jaeger's own config-badger.yaml: OTLP/gRPC receiver → " +
		"batch processor (acks before the write) → jaeger_storage_exporter → Badger with `ephemeral: false`, " +
		"`consistency: false`"
}

func (j *jaegerTarget) otlpEndpoint() string { return j.proc.otlp }
func (j *jaegerTarget) pid() int             { return j.proc.cmd.Process.Pid }
func (j *jaegerTarget) dataDir() string      { return j.proc.data }
func (j *jaegerTarget) stop() error          { return j.proc.stop() }
func (j *jaegerTarget) kill()                { j.proc.kill() }

// acked reads the collector's own counters: spans its OTLP receiver
// accepted (the pipeline, and with the durable setup the write, returned
// nil) and refused.
func (j *jaegerTarget) acked() (float64, float64, error) {
	m, err := benchkit.Scrape(j.proc.metrics)
	if err != nil {
		return 0, 0, err
	}
	get := func(name string) float64 { return m.Get(name+"_total") + m.Get(name) }
	return get("otelcol_receiver_accepted_spans"), get("otelcol_receiver_refused_spans"), nil
}

func (j *jaegerTarget) searchIDs(c *http.Client, from, to time.Time, limit int) ([]string, error) {
	q := url.Values{"service": {tgService}, "start": {micros(from)}, "end": {micros(to)},
		"limit": {strconv.Itoa(limit)}}
	var r struct {
		Data []struct {
			TraceID string `json:"traceID"`
		} `json:"data"`
	}
	if err := getJSON(c, j.proc.query+"/api/traces?"+q.Encode(), &r); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(r.Data))
	for _, t := range r.Data {
		ids = append(ids, t.TraceID)
	}
	return ids, nil
}

func (j *jaegerTarget) traceURL(id string) string { return j.proc.query + "/api/traces/" + id }

func (j *jaegerTarget) countSpans(body []byte) (int, error) {
	var r struct {
		Data []struct {
			Spans []json.RawMessage `json:"spans"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, err
	}
	n := 0
	for _, t := range r.Data {
		n += len(t.Spans)
	}
	return n, nil
}
