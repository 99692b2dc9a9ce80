// Package xraydaemon keeps what the X-Ray daemon reports about itself
// (PutTelemetryRecords: segments received, sent, spilled over and rejected,
// and its errors reaching the backend) and the project's encryption
// configuration (Get/PutEncryptionConfig). docs/xray-api.md describes the
// operations.
package xraydaemon

import (
	"sort"
	"strconv"
	"sync"
	"time"
)

// Record is one telemetry record of a daemon: its counts over the interval
// ending at Timestamp (the daemon sends one a minute).
type Record struct {
	Timestamp                                  time.Time
	SegmentsReceived, SegmentsSent             int64
	SegmentsSpillover, SegmentsRejected        int64
	Timeouts, ConnectionRefused, HTTP4xx       int64
	HTTP5xx, UnknownHost, OtherBackendFailures int64
}

// Client identifies a daemon as it names itself; any member may be empty.
type Client struct {
	EC2InstanceID string `json:"ec2InstanceId,omitempty"`
	Hostname      string `json:"hostname,omitempty"`
	ResourceARN   string `json:"resourceArn,omitempty"`
}

// Counts are a daemon's counts, of one record or summed.
type Counts struct {
	SegmentsReceived  int64 `json:"segmentsReceived"`
	SegmentsSent      int64 `json:"segmentsSent"`
	SegmentsSpillover int64 `json:"segmentsSpillover"`
	SegmentsRejected  int64 `json:"segmentsRejected"`
	// BackendErrors sums the errors reaching the X-Ray API (timeouts,
	// refused connections, 4xx, 5xx, unknown host, other).
	BackendErrors int64 `json:"backendErrors"`
}

func (r Record) counts() Counts {
	return Counts{SegmentsReceived: r.SegmentsReceived, SegmentsSent: r.SegmentsSent, SegmentsSpillover: r.SegmentsSpillover,
		SegmentsRejected: r.SegmentsRejected,
		BackendErrors:    r.Timeouts + r.ConnectionRefused + r.HTTP4xx + r.HTTP5xx + r.UnknownHost + r.OtherBackendFailures}
}

func (c *Counts) add(o Counts) {
	c.SegmentsReceived += o.SegmentsReceived
	c.SegmentsSent += o.SegmentsSent
	c.SegmentsSpillover += o.SegmentsSpillover
	c.SegmentsRejected += o.SegmentsRejected
	c.BackendErrors += o.BackendErrors
}

// Daemon is what one daemon last reported.
type Daemon struct {
	Client
	// LastReport is when Lookout last received its records; Latest is its
	// newest record (by Timestamp), Total every record since Lookout
	// started.
	LastReport time.Time `json:"lastReport"`
	LatestAt   time.Time `json:"latestAt"`
	Latest     Counts    `json:"latest"`
	Total      Counts    `json:"total"`
	// Problems says what looks wrong: segments rejected or spilled over,
	// backend errors in the latest record, or no report for StaleAfter.
	Problems []string `json:"problems"`
}

// StaleAfter is how long without a report makes a daemon's report stale:
// it sends one a minute.
const StaleAfter = 3 * time.Minute

// maxDaemons bounds the daemons kept per project; the oldest reporter
// goes first.
const maxDaemons = 1000

// Telemetry keeps the latest report of each daemon, per project, in
// memory. It is safe for concurrent use.
type Telemetry struct {
	now func() time.Time
	mu  sync.Mutex
	by  map[string]map[Client]*Daemon
}

// NewTelemetry returns an empty book; now nil is time.Now.
func NewTelemetry(now func() time.Time) *Telemetry {
	if now == nil {
		now = time.Now
	}
	return &Telemetry{now: now, by: map[string]map[Client]*Daemon{}}
}

// Put records what client sent for project.
func (t *Telemetry) Put(project string, client Client, records []Record) {
	now := t.now().UTC()
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.by[project]
	if m == nil {
		m = map[Client]*Daemon{}
		t.by[project] = m
	}
	d := m[client]
	if d == nil {
		if len(m) >= maxDaemons {
			evictOldest(m)
		}
		d = &Daemon{Client: client}
		m[client] = d
	}
	d.LastReport = now
	for _, r := range records {
		c := r.counts()
		d.Total.add(c)
		if !r.Timestamp.Before(d.LatestAt) {
			d.LatestAt, d.Latest = r.Timestamp.UTC(), c
		}
	}
}

func evictOldest(m map[Client]*Daemon) {
	var oldest *Daemon
	for _, d := range m {
		if oldest == nil || d.LastReport.Before(oldest.LastReport) {
			oldest = d
		}
	}
	delete(m, oldest.Client)
}

// Daemons lists the daemons of project, most recently reporting first,
// with their problems.
func (t *Telemetry) Daemons(project string) []Daemon {
	now := t.now()
	t.mu.Lock()
	out := make([]Daemon, 0, len(t.by[project]))
	for _, d := range t.by[project] {
		out = append(out, *d)
	}
	t.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].LastReport.Equal(out[j].LastReport) {
			return out[i].LastReport.After(out[j].LastReport)
		}
		return out[i].Hostname+out[i].EC2InstanceID+out[i].ResourceARN < out[j].Hostname+out[j].EC2InstanceID+out[j].ResourceARN
	})
	for i := range out {
		out[i].Problems = problems(out[i], now)
	}
	return out
}

func problems(d Daemon, now time.Time) []string {
	p := []string{}
	if age := now.Sub(d.LastReport); age > StaleAfter {
		p = append(p, "no telemetry for "+age.Truncate(time.Second).String()+": the daemon stopped or sends elsewhere")
	}
	l := d.Latest
	if l.SegmentsRejected > 0 {
		p = append(p, itoa(l.SegmentsRejected)+" segments rejected in the latest interval (invalid documents or too large)")
	}
	if l.SegmentsSpillover > 0 {
		p = append(p, itoa(l.SegmentsSpillover)+" segments spilled over in the latest interval (the daemon's buffer was full; they were dropped)")
	}
	if l.BackendErrors > 0 {
		p = append(p, itoa(l.BackendErrors)+" errors sending to the X-Ray API in the latest interval")
	}
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
