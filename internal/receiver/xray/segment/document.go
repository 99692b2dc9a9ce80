// Package segment is the X-Ray segment document: it decodes and validates
// one document (and the daemon protocol's header line before it) and maps
// it to spans of the shared model. docs/xray-mapping.md has the mapping. It
// knows no transport: the X-Ray receiver feeds it datagrams and
// PutTraceSegments documents.
package segment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
)

// MaxDocumentBytes is the size limit of one segment document (and of one
// daemon datagram) that X-Ray and its daemon enforce: 64 KiB.
const MaxDocumentBytes = 64 << 10

// Document is one X-Ray segment document: a segment, an independently sent
// subsegment ("type": "subsegment"), or a subsegment nested in either.
// Fields follow the segment document schema; free-form parts stay raw.
type Document struct {
	ID           string                     `json:"id"`
	TraceID      string                     `json:"trace_id"`
	Name         string                     `json:"name"`
	StartTime    json.Number                `json:"start_time"`
	EndTime      json.Number                `json:"end_time"`
	InProgress   bool                       `json:"in_progress"`
	ParentID     string                     `json:"parent_id"`
	Type         string                     `json:"type"`
	Namespace    string                     `json:"namespace"`
	User         string                     `json:"user"`
	Origin       string                     `json:"origin"`
	ResourceARN  string                     `json:"resource_arn"`
	PrecursorIDs []string                   `json:"precursor_ids"`
	Error        bool                       `json:"error"`
	Fault        bool                       `json:"fault"`
	Throttle     bool                       `json:"throttle"`
	HTTP         *httpData                  `json:"http"`
	AWS          map[string]json.RawMessage `json:"aws"`
	SQL          map[string]json.RawMessage `json:"sql"`
	Service      map[string]json.RawMessage `json:"service"`
	Cause        *cause                     `json:"cause"`
	Annotations  map[string]json.RawMessage `json:"annotations"`
	Metadata     map[string]json.RawMessage `json:"metadata"`
	Subsegments  []Document                 `json:"subsegments"`

	// Set by validate and resourceOf, not read from JSON.
	samplingRule string
	trace        model.TraceID
	span         model.SpanID
	parent       model.SpanID
	startNano    int64
	endNano      int64
}

type httpData struct {
	Request *struct {
		Method        string `json:"method"`
		URL           string `json:"url"`
		UserAgent     string `json:"user_agent"`
		ClientIP      string `json:"client_ip"`
		XForwardedFor bool   `json:"x_forwarded_for"`
		Traced        bool   `json:"traced"`
	} `json:"request"`
	Response *struct {
		Status        json.Number `json:"status"`
		ContentLength json.Number `json:"content_length"`
	} `json:"response"`
}

// cause is either a bare exception id (pointing at an exception recorded in
// another entity of the trace) or the object with exceptions.
type cause struct {
	ExceptionID      string
	WorkingDirectory string      `json:"working_directory"`
	Paths            []string    `json:"paths"`
	Exceptions       []exception `json:"exceptions"`
}

type exception struct {
	ID        string      `json:"id"`
	Type      string      `json:"type"`
	Message   string      `json:"message"`
	Remote    bool        `json:"remote"`
	Truncated json.Number `json:"truncated"`
	Skipped   json.Number `json:"skipped"`
	Cause     string      `json:"cause"`
	Stack     []struct {
		Path  string      `json:"path"`
		Line  json.Number `json:"line"`
		Label string      `json:"label"`
	} `json:"stack"`
}

// UnmarshalJSON accepts the two shapes of cause.
func (c *cause) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &c.ExceptionID)
	}
	type plain cause
	return json.Unmarshal(b, (*plain)(c))
}

// Error is a refused document: Reason is the metric label and tally
// reason, Code the ErrorCode PutTraceSegments reports for it, Msg names the
// fault (lower-case). The other fields keep what could be read of the
// document, so that the refusal is found with its trace and service.
type Error struct {
	Reason  string
	Code    string
	ID      string        // the document's id when it could be read
	Service string        // the segment's name when it could be read
	Trace   model.TraceID // the document's trace when its trace_id parsed
	Span    model.SpanID  // the document's id when it parsed
	Msg     string
}

func (e *Error) Error() string { return e.Msg }

// Rejection reasons, one per kind of fault; each maps to an X-Ray ErrorCode.
var errorCodes = map[string]string{
	"bad_header":         "InvalidHeader",
	"oversize":           "SegmentTooLarge",
	"invalid_json":       "InvalidJson",
	"missing_id":         "MissingId",
	"bad_id":             "InvalidId",
	"bad_trace_id":       "InvalidTraceId",
	"missing_parent_id":  "MissingParentId",
	"bad_parent_id":      "InvalidParentId",
	"missing_name":       "MissingName",
	"bad_name":           "InvalidName",
	"missing_start_time": "MissingStartTime",
	"missing_end_time":   "MissingEndTime",
	"bad_time":           "InvalidTime",
	"overloaded":         "Throttled",
}

func reject(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Code: errorCodes[reason], Msg: fmt.Sprintf(format, args...)}
}

// maxNameRunes is X-Ray's limit on a segment name.
const maxNameRunes = 200

// daemonHeader is what every SDK writes before the document.
var daemonHeader = []byte(`{"format": "json", "version": 1}`)

// SplitDatagram checks the daemon header line of a datagram and returns the
// document after it.
func SplitDatagram(b []byte) ([]byte, *Error) {
	if len(b) > MaxDocumentBytes {
		return nil, reject("oversize", "datagram of more than %d bytes", MaxDocumentBytes)
	}
	head, body, ok := bytes.Cut(b, []byte{'\n'})
	if !ok {
		return nil, reject("bad_header", "no newline after the header line")
	}
	if !bytes.Equal(head, daemonHeader) {
		var h struct {
			Format  string      `json:"format"`
			Version json.Number `json:"version"`
		}
		if err := json.Unmarshal(head, &h); err != nil || !strings.EqualFold(h.Format, "json") || h.Version != "1" {
			return nil, reject("bad_header", "header %.64q: want {\"format\": \"json\", \"version\": 1}", head)
		}
	}
	return body, nil
}

// Parse decodes and validates one segment document. The result is ready
// for Map: ids, parents and times are parsed.
func Parse(body []byte) (*Document, *Error) {
	body = bytes.TrimSpace(body)
	if len(body) > MaxDocumentBytes {
		return nil, reject("oversize", "segment document of %d bytes, more than %d", len(body), MaxDocumentBytes)
	}
	if len(body) == 0 {
		return nil, reject("invalid_json", "empty segment document")
	}
	var d Document
	if err := json.Unmarshal(body, &d); err != nil {
		e := reject("invalid_json", "segment document: %s", restjson.DescribeError(err))
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			e.identify(&d) // a field of the wrong type: the others were decoded
		}
		return nil, e
	}
	t, terr := model.ParseXRayTraceID(d.TraceID)
	e := d.validate(t, model.SpanID{}, "", true)
	if e == nil && (terr != nil || t.IsZero()) {
		e = reject("bad_trace_id", "segment %s: trace_id %.40q: want 1-<8 hex>-<24 hex>", d.ID, d.TraceID)
	}
	if e != nil {
		e.identify(&d)
		return nil, e
	}
	return &d, nil
}

// identify records what could be read of a refused document, so that the
// refusal is listed with its trace and service.
func (e *Error) identify(d *Document) {
	e.ID = d.ID
	if d.Type != "subsegment" {
		e.Service = d.Name
	}
	if id, err := model.ParseSpanID(d.ID); err == nil {
		e.Span = id
	}
	if t, err := model.ParseXRayTraceID(d.TraceID); err == nil {
		e.Trace = t
	}
}

// validate checks the required fields of d and, recursively, of its
// subsegments, and fills the parsed ids and times. parent is the enclosing
// entity's id (zero for a top-level document); path names d in messages.
func (d *Document) validate(trace model.TraceID, parent model.SpanID, path string, top bool) *Error {
	what := "segment"
	if !top || d.Type == "subsegment" {
		what = "subsegment"
	}
	if path != "" {
		what += " " + path
	}
	if d.ID == "" {
		return reject("missing_id", "%s: missing id", what)
	}
	id, err := model.ParseSpanID(d.ID)
	if err != nil || id.IsZero() {
		return reject("bad_id", "%s: id %.40q: want 16 hex digits", what, d.ID)
	}
	what += " " + d.ID
	switch {
	case d.Name == "":
		return reject("missing_name", "%s: missing name", what)
	case top && d.Type != "subsegment" && utf8.RuneCountInString(d.Name) > maxNameRunes:
		return reject("bad_name", "%s: name longer than %d characters", what, maxNameRunes)
	case d.StartTime == "":
		return reject("missing_start_time", "%s: missing start_time", what)
	case d.EndTime == "" && !d.InProgress:
		return reject("missing_end_time", "%s: neither end_time nor in_progress", what)
	}
	if d.startNano, err = epochNanos(d.StartTime); err != nil {
		return reject("bad_time", "%s: start_time: %v", what, err)
	}
	d.endNano = d.startNano
	if d.EndTime != "" {
		if d.endNano, err = epochNanos(d.EndTime); err != nil {
			return reject("bad_time", "%s: end_time: %v", what, err)
		}
	}
	d.trace, d.span, d.parent = trace, id, parent
	if top {
		if d.Type == "subsegment" && d.ParentID == "" {
			return reject("missing_parent_id", "%s: an independent subsegment needs parent_id", what)
		}
		if d.ParentID != "" {
			if d.parent, err = model.ParseSpanID(d.ParentID); err != nil || d.parent.IsZero() {
				return reject("bad_parent_id", "%s: parent_id %.40q: want 16 hex digits", what, d.ParentID)
			}
		}
	}
	for i := range d.Subsegments {
		if e := d.Subsegments[i].validate(trace, id, fmt.Sprintf("%ssubsegments[%d]", prefix(path), i), false); e != nil {
			return e
		}
	}
	return nil
}

func prefix(path string) string {
	if path == "" {
		return ""
	}
	return path + "."
}
