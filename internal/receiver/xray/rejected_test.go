package xray

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/xray/segment"
	"lookout/internal/tracelint"
)

var (
	okTraceID, _ = model.ParseXRayTraceID("1-5759e988-bd862e3fe1be46a994272793")
	okSpanID, _  = model.ParseSpanID("70de5b6f19ff9a0a")
)

// wantEvent is what the record of one refused document must say.
type wantEvent struct {
	reason, code, transport, docID, service string
	trace                                   model.TraceID
	span                                    model.SpanID
	excerpt                                 string // prefix of the excerpt
}

func checkEvent(t *testing.T, ev model.LogEvent, w wantEvent) {
	t.Helper()
	get := func(k string) string { v, _ := ev.Attributes.Get(k); return v.AsString() }
	body := ev.Body.AsString()
	if get(tracelint.AttrRejectedReason) != w.reason || get(tracelint.AttrRejectedErrorCode) != w.code || get(tracelint.AttrRejectedTransport) != w.transport ||
		get(tracelint.AttrDocumentID) != w.docID || !strings.HasPrefix(get(tracelint.AttrDocumentExcerpt), w.excerpt) ||
		len(get(tracelint.AttrDocumentExcerpt)) > ExcerptBytes || !utf8.ValidString(get(tracelint.AttrDocumentExcerpt)) {
		t.Errorf("attributes %v, want %+v", ev.Attributes, w)
	}
	if _, ok := ev.Resource.Attributes.Get("service.name"); ok != (w.service != "") || (ok && ev.Service() != w.service) {
		t.Errorf("service %q, want %q", ev.Service(), w.service)
	}
	if ev.TraceID != w.trace || ev.SpanID != w.span {
		t.Errorf("trace %s span %s, want %s %s", ev.TraceID, ev.SpanID, w.trace, w.span)
	}
	if !strings.HasPrefix(body, tracelint.RejectedBodyPrefix+" ("+w.reason+"): ") || ev.SeverityNumber != 13 || ev.SeverityText != "WARN" ||
		ev.Project != model.DefaultProject || ev.Scope.Name != segment.ScopeName {
		t.Errorf("event %+v", ev)
	}
	if age := time.Since(time.Unix(0, ev.TimeUnixNano)); age < 0 || age > time.Minute {
		t.Errorf("time %d is not the receive time", ev.TimeUnixNano)
	}
}

// TestRefusalIdentifiesDocument: a refused document keeps what could be
// read of it, so its record is found with its trace and service.
func TestRefusalIdentifiesDocument(t *testing.T) {
	cases := []struct {
		name, doc, service string
		trace              model.TraceID
		span               model.SpanID
	}{
		{"missing name", `{` + okID + `,` + okTrace + `,` + okTimes + `}`, "", okTraceID, okSpanID},
		{"bad trace id", `{"name":"a",` + okID + `,"trace_id":"1-zz",` + okTimes + `}`, "a", model.TraceID{}, okSpanID},
		{"bad id", `{"name":"a","id":"xyz",` + okTrace + `,` + okTimes + `}`, "a", okTraceID, model.SpanID{}},
		{"wrong type", `{"name":"a",` + okID + `,` + okTrace + `,` + okTimes + `,"fault":"yes"}`, "a", okTraceID, okSpanID},
		{"syntax error", okSeg[:40], "", model.TraceID{}, model.SpanID{}},
		{"independent subsegment names no service", `{"name":"a","type":"subsegment",` + okID + `,` + okTrace + `,` + okTimes + `}`,
			"", okTraceID, okSpanID},
	}
	for _, tc := range cases {
		_, e := parseDocument([]byte(tc.doc))
		if e == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		if e.trace != tc.trace || e.span != tc.span || e.service != tc.service {
			t.Errorf("%s: trace %s span %s service %q, want %s %s %q", tc.name, e.trace, e.span, e.service, tc.trace, tc.span, tc.service)
		}
	}
}

func TestClip(t *testing.T) {
	cases := []struct {
		name, in string
		want     int // length of the result
	}{
		{"short", `{"id":1}`, 8},
		{"long", strings.Repeat("x", 3000), ExcerptBytes},
		{"rune cut in half at the end", strings.Repeat("x", ExcerptBytes-1) + "é", ExcerptBytes - 1},
		{"rune ending exactly at the limit", strings.Repeat("x", ExcerptBytes-2) + "é", ExcerptBytes},
		{"four-byte rune cut", strings.Repeat("x", ExcerptBytes-2) + "😀", ExcerptBytes - 2},
		{"invalid byte inside", "a\xffb", len("a\uFFFDb")},
	}
	for _, tc := range cases {
		got := clip([]byte(tc.in))
		if len(got) != tc.want || !utf8.ValidString(got) || !strings.HasPrefix(tc.in, strings.TrimSuffix(got, "\uFFFDb")) {
			t.Errorf("%s: %d bytes (valid %v), want %d", tc.name, len(got), utf8.ValidString(got), tc.want)
		}
	}
}

// TestRejectedEventIsReadByLint: what the receiver writes, the lint reads;
// the constants the two packages keep must agree.
func TestRejectedEventIsReadByLint(t *testing.T) {
	doc := `{"name":"shop",` + okID + `,"trace_id":"1-zz",` + okTimes + `}`
	_, e := parseDocument([]byte(doc))
	ev := rejectedEvent(model.DefaultProject, TransportAPI, e, []byte(doc), time.Now())
	f, ok := tracelint.RejectedFinding(&ev)
	if !ok || f.Rule != tracelint.RuleRejectedDocument || f.Service != "shop" || f.SpanID != okSpanID.String() ||
		f.Document.Reason != "bad_trace_id" || f.Document.ErrorCode != "InvalidTraceId" || f.Document.Transport != "api" ||
		f.Document.ID != "70de5b6f19ff9a0a" || f.Document.Excerpt != doc {
		t.Errorf("finding %+v %+v", f, f.Document)
	}
	// A refusal for want of room is not about the document: no record.
	r, err := New(testConfig(), &recordingSink{})
	if err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{"overloaded", "shutting_down"} {
		if _, keep := r.refuse("udp", model.DefaultProject, &docError{reason: reason, msg: "no room"}, nil); keep {
			t.Errorf("%s: kept a record", reason)
		}
	}
}

// TestRejectedDocumentsUDP: each refused datagram becomes one log event,
// committed through the sink like spans; a good segment still arrives.
func TestRejectedDocumentsUDP(t *testing.T) {
	cases := []struct {
		name     string
		datagram []byte
		want     wantEvent
	}{
		{"bad trace id", datagram([]byte(`{"name":"svc",` + okID + `,"trace_id":"1-zz",` + okTimes + `}`)),
			wantEvent{reason: "bad_trace_id", code: "InvalidTraceId", docID: "70de5b6f19ff9a0a", service: "svc", span: okSpanID,
				excerpt: `{"name":"svc"`}},
		{"missing name, known trace", datagram([]byte(`{` + okID + `,` + okTrace + `,` + okTimes + `}`)),
			wantEvent{reason: "missing_name", code: "MissingName", docID: "70de5b6f19ff9a0a", trace: okTraceID, span: okSpanID,
				excerpt: `{` + okID}},
		{"invalid json", datagram([]byte(`{not json`)),
			wantEvent{reason: "invalid_json", code: "InvalidJson", excerpt: `{not json`}},
		{"bad header", []byte("hello\n" + okSeg),
			wantEvent{reason: "bad_header", code: "InvalidHeader", excerpt: "hello\n{"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := &recordingSink{}
			r, _ := startUDP(t, sink, nil)
			send(t, dial(t, r), tc.datagram, segmentDatagram(1))
			waitFor(t, "the span and the record", func() bool { return len(sink.Spans()) == 1 && len(sink.Logs()) == 1 })
			tc.want.transport = TransportUDP
			checkEvent(t, sink.Logs()[0], tc.want)
			if sink.Reasons()[tc.want.reason] != 1 {
				t.Errorf("refusals %v: the refusal is still counted", sink.Reasons())
			}
			waitFor(t, "bytes released", func() bool { return r.intake.HeldBytes() == 0 })
		})
	}
}

// TestOversizeDatagramKept: decoding refuses a datagram over 64 KiB
// (loopback cannot carry one, so decode is fed directly) and keeps its
// record, so that the intake holds its bytes until it is submitted.
func TestOversizeDatagramKept(t *testing.T) {
	r, err := New(testConfig(), &recordingSink{})
	if err != nil {
		t.Fatal(err)
	}
	big := datagram([]byte(`{"name":"` + strings.Repeat("é", MaxDocumentBytes/2) + `"}`))
	q, keep := r.decode(big)
	if !keep || len(q.Spans) != 0 || len(q.Logs) != 1 {
		t.Fatalf("kept %v: %d spans, %d records", keep, len(q.Spans), len(q.Logs))
	}
	checkEvent(t, q.Logs[0], wantEvent{reason: "oversize", code: "SegmentTooLarge", transport: TransportUDP,
		excerpt: string(big[:ExcerptBytes-2])})
}

// TestRejectedCountAsBatchItems: a record counts as one item of
// MaxBatchSpans, so batches stay bounded whatever arrives.
func TestRejectedCountAsBatchItems(t *testing.T) {
	sink := &recordingSink{}
	r, _ := startUDP(t, sink, func(c *Config) { c.MaxBatchSpans, c.MaxBatchDelay = 2, time.Hour })
	bad := datagram([]byte(`{not json`))
	send(t, dial(t, r), segmentDatagram(1), bad, bad, segmentDatagram(2))
	waitFor(t, "2 batches", func() bool { return sink.Batches() == 2 })
	for i, b := range sink.AcceptedBatches() {
		if b.Len() != 2 {
			t.Errorf("batch %d: %d spans and %d logs, want 2 items", i, len(b.Spans), len(b.Logs))
		}
	}
}

// TestRejectedDocumentsAPI: PutTraceSegments submits the records of refused
// documents with the valid ones' spans, still listing them as unprocessed.
func TestRejectedDocumentsAPI(t *testing.T) {
	oversize := `{"name":"` + strings.Repeat("x", MaxDocumentBytes) + `"}`
	badTrace := `{"name":"svc",` + okID + `,"trace_id":"1-zz",` + okTimes + `}`
	cases := []struct {
		name        string
		docs        []string
		sinkErr     error
		status      int
		spans       int
		unprocessed int
		want        []wantEvent
	}{
		{name: "bad trace id beside a good one", docs: []string{badTrace, okSeg}, status: 200, spans: 1, unprocessed: 1,
			want: []wantEvent{{reason: "bad_trace_id", code: "InvalidTraceId", docID: "70de5b6f19ff9a0a", service: "svc",
				span: okSpanID, excerpt: badTrace}}},
		{name: "only invalid json", docs: []string{`  {nope`}, status: 200, unprocessed: 1,
			want: []wantEvent{{reason: "invalid_json", code: "InvalidJson", excerpt: `{nope`}}},
		{name: "oversize", docs: []string{oversize}, status: 200, unprocessed: 1,
			want: []wantEvent{{reason: "oversize", code: "SegmentTooLarge", excerpt: oversize[:ExcerptBytes]}}},
		{name: "all refused, sink busy", docs: []string{`{nope`}, sinkErr: pipeline.ErrOverloaded, status: 429},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := &recordingSink{}
			if tc.sinkErr != nil {
				sink.FailWith(tc.sinkErr)
			}
			r, err := New(testConfig(), sink)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, PutTraceSegmentsPath, strings.NewReader(putBody(tc.docs...))))
			if rec.Code != tc.status || sink.Calls() != 1 {
				t.Fatalf("status %d after %d submits: %s", rec.Code, sink.Calls(), rec.Body)
			}
			if tc.status != 200 {
				return
			}
			if n := strings.Count(rec.Body.String(), `"ErrorCode"`); n != tc.unprocessed || len(sink.Spans()) != tc.spans {
				t.Errorf("%d unprocessed, %d spans; want %d, %d: %s", n, len(sink.Spans()), tc.unprocessed, tc.spans, rec.Body)
			}
			logs := sink.Logs()
			if len(logs) != len(tc.want) || sink.Batches() != 1 {
				t.Fatalf("%d records in %d batches, want %d in one", len(logs), sink.Batches(), len(tc.want))
			}
			for i, w := range tc.want {
				w.transport = TransportAPI
				checkEvent(t, logs[i], w)
			}
		})
	}
}
