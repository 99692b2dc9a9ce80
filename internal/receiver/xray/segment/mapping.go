package segment

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"lookout/internal/model"
)

// ScopeName is the instrumentation scope of every span made from a segment
// document, so readers can tell spans that came from X-Ray.
const ScopeName = "lookout/receiver/xray"

// Attribute keys specific to X-Ray that readers (the X-Ray read API, the
// unclosed-subsegment detector) rely on. docs/xray-mapping.md has the full
// mapping.
const (
	// AttrDocument holds the document as received, on the span made from the
	// top-level entity of a document (segment or independent subsegment).
	// Spans of nested subsegments do not carry it: they are inside it.
	AttrDocument = "aws.xray.segment.document"
	// AttrInProgress is true on a span whose entity was still open
	// ("in_progress": true, no end_time); its end equals its start.
	AttrInProgress = "aws.xray.inprogress"
	// AttrAnnotationPrefix + key holds an annotation with its JSON type:
	// string, bool, int (integral numbers) or double.
	AttrAnnotationPrefix = "aws.xray.annotations."
	// AttrMetadataPrefix + namespace holds that metadata namespace as JSON.
	AttrMetadataPrefix = "aws.xray.metadata."
)

// sampledFlag is the W3C "sampled" trace flag: X-Ray only sends sampled data.
const sampledFlag = 1

var scope = model.Scope{Name: ScopeName}

// Map turns a document from Parse into spans of project: the document's
// own entity first, then its nested subsegments depth first. raw is the
// document as received; it is kept on the first span under AttrDocument.
func Map(project string, d *Document, raw string) []model.Span {
	var res model.Resource
	segment := d.Type != "subsegment"
	if segment {
		res = resourceOf(d)
	}
	spans := make([]model.Span, 0, countEntities(d))
	spans = appendSpans(spans, project, d, res, segment)
	spans[0].Attributes = append(spans[0].Attributes, model.KeyValue{Key: AttrDocument, Value: model.StringValue(raw)})
	return spans
}

func countEntities(d *Document) int {
	n := 1
	for i := range d.Subsegments {
		n += countEntities(&d.Subsegments[i])
	}
	return n
}

func appendSpans(spans []model.Span, project string, d *Document, res model.Resource, segment bool) []model.Span {
	sp := model.Span{
		Project:       project,
		TraceID:       d.trace,
		SpanID:        d.span,
		ParentSpanID:  d.parent,
		Flags:         sampledFlag,
		Name:          d.Name,
		Kind:          kindOf(d, segment),
		StartUnixNano: d.startNano,
		EndUnixNano:   d.endNano,
		Resource:      res,
		Scope:         scope,
	}
	var a attrs = make([]model.KeyValue, 0, 16)
	if d.InProgress {
		a.bool(AttrInProgress, true)
	}
	a.str("aws.xray.namespace", d.Namespace)
	a.str("enduser.id", d.User)
	a.str("aws.xray.origin", d.Origin)
	a.str("aws.xray.resource_arn", d.ResourceARN)
	if len(d.PrecursorIDs) > 0 {
		ids := make([]model.Value, len(d.PrecursorIDs))
		for i, id := range d.PrecursorIDs {
			ids[i] = model.StringValue(id)
		}
		a.add("aws.xray.precursor_ids", model.ArrayValue(ids...))
	}
	a.http(d.HTTP)
	a.aws(d, segment)
	a.sql(d.SQL)
	if d.Error {
		a.bool("aws.xray.error", true)
	}
	if d.Fault {
		a.bool("aws.xray.fault", true)
	}
	if d.Throttle {
		a.bool("aws.xray.throttle", true)
	}
	sp.Events = a.cause(d)
	for _, k := range sortedKeys(d.Annotations) {
		if v, ok := scalarValue(d.Annotations[k]); ok {
			a.add(AttrAnnotationPrefix+k, v)
		}
	}
	for _, k := range sortedKeys(d.Metadata) {
		a.str(AttrMetadataPrefix+k, compactJSON(d.Metadata[k]))
	}
	sp.Attributes = model.Attributes(a)
	sp.StatusCode, sp.StatusMessage = statusOf(d, sp.Kind, sp.Events)
	spans = append(spans, sp)
	for i := range d.Subsegments {
		spans = appendSpans(spans, project, &d.Subsegments[i], res, false)
	}
	return spans
}

// kindOf: a segment serves a request; a subsegment calling an AWS service
// or another remote service is a client; any other subsegment is internal.
func kindOf(d *Document, segment bool) model.SpanKind {
	switch {
	case segment:
		return model.SpanKindServer
	case d.Namespace == "aws" || d.Namespace == "remote":
		return model.SpanKindClient
	}
	return model.SpanKindInternal
}

// statusOf: a fault (5xx, an exception) is an error; an error (4xx) is one
// only on a client span, as the OTel HTTP conventions have it.
func statusOf(d *Document, kind model.SpanKind, events []model.SpanEvent) (model.StatusCode, string) {
	if !d.Fault && !(d.Error && kind == model.SpanKindClient) {
		return model.StatusUnset, ""
	}
	for _, e := range events {
		if v, ok := e.Attributes.Get("exception.message"); ok {
			return model.StatusError, v.Str
		}
	}
	if d.HTTP != nil && d.HTTP.Response != nil && d.HTTP.Response.Status != "" {
		return model.StatusError, "HTTP " + string(d.HTTP.Response.Status)
	}
	return model.StatusError, ""
}

// attrs collects a span's attributes, skipping empty values.
type attrs []model.KeyValue

func (a *attrs) add(k string, v model.Value) { *a = append(*a, model.KeyValue{Key: k, Value: v}) }

func (a *attrs) str(k, v string) {
	if v != "" {
		a.add(k, model.StringValue(v))
	}
}

func (a *attrs) bool(k string, v bool) { a.add(k, model.BoolValue(v)) }

func (a *attrs) number(k string, n string) {
	if v, ok := numberValue(n); ok {
		a.add(k, v)
	}
}

func (a *attrs) http(h *httpData) {
	if h == nil {
		return
	}
	if r := h.Request; r != nil {
		a.str("http.request.method", r.Method)
		a.str("url.full", r.URL)
		a.url(r.URL)
		a.str("user_agent.original", r.UserAgent)
		a.str("client.address", r.ClientIP)
		if r.XForwardedFor {
			a.bool("aws.xray.x_forwarded_for", true)
		}
		if r.Traced {
			a.bool("aws.xray.traced", true)
		}
	}
	if r := h.Response; r != nil {
		a.number("http.response.status_code", string(r.Status))
		a.number("http.response.body.size", string(r.ContentLength))
	}
}

// url adds the OpenTelemetry attributes queries group and filter by, read
// from the request URL: url.scheme, url.path, url.query, server.address
// and server.port (when the URL names one). A URL that does not parse adds
// nothing; a relative one (a path) adds url.path and url.query only.
func (a *attrs) url(raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	a.str("url.scheme", u.Scheme)
	a.str("url.path", u.Path)
	a.str("url.query", u.RawQuery)
	a.str("server.address", u.Hostname())
	if p, err := strconv.ParseInt(u.Port(), 10, 64); err == nil && p > 0 && p < 65536 {
		a.add("server.port", model.IntValue(p))
	}
}

// cause maps the cause's exceptions to "exception" span events, stamped
// with the entity's end (its start while in progress).
func (a *attrs) cause(d *Document) []model.SpanEvent {
	c := d.Cause
	if c == nil {
		return nil
	}
	a.str("aws.xray.cause.exception_id", c.ExceptionID)
	a.str("aws.xray.cause.working_directory", c.WorkingDirectory)
	if len(c.Paths) > 0 {
		paths := make([]model.Value, len(c.Paths))
		for i, p := range c.Paths {
			paths[i] = model.StringValue(p)
		}
		a.add("aws.xray.cause.paths", model.ArrayValue(paths...))
	}
	if len(c.Exceptions) == 0 {
		return nil
	}
	events := make([]model.SpanEvent, len(c.Exceptions))
	for i, x := range c.Exceptions {
		var ea attrs = make([]model.KeyValue, 0, 6)
		ea.str("exception.type", x.Type)
		ea.str("exception.message", x.Message)
		if len(x.Stack) > 0 {
			ea.str("exception.stacktrace", renderStack(&x))
		}
		ea.str("aws.xray.exception.id", x.ID)
		if x.Remote {
			ea.bool("aws.xray.exception.remote", true)
		}
		ea.number("aws.xray.exception.truncated", string(x.Truncated))
		ea.number("aws.xray.exception.skipped", string(x.Skipped))
		ea.str("aws.xray.exception.cause", x.Cause)
		events[i] = model.SpanEvent{TimeUnixNano: d.endNano, Name: "exception", Attributes: model.Attributes(ea)}
	}
	return events
}

// renderStack writes the frames the way Java and the X-Ray console show
// them: "type: message", then one "\tat label(path:line)" per frame and
// "\t... N more" for frames the SDK left out.
func renderStack(x *exception) string {
	var b strings.Builder
	b.WriteString(x.Type)
	if x.Type != "" && x.Message != "" {
		b.WriteString(": ")
	}
	b.WriteString(x.Message)
	for _, f := range x.Stack {
		b.WriteString("\n\tat ")
		b.WriteString(f.Label)
		b.WriteByte('(')
		b.WriteString(f.Path)
		if f.Line != "" {
			b.WriteByte(':')
			b.WriteString(string(f.Line))
		}
		b.WriteByte(')')
	}
	if n, err := strconv.Atoi(string(x.Truncated)); err == nil && n > 0 {
		b.WriteString("\n\t... ")
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" more")
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
