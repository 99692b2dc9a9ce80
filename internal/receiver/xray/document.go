package xray

import (
	"lookout/internal/model"
	"lookout/internal/receiver/restjson"
	"lookout/internal/receiver/xray/segment"
)

// The receiver reads segment documents through package segment, which
// decodes, validates and maps them. A refusal becomes a docError: what the
// receiver counts, answers (UnprocessedTraceSegments) and keeps as a log
// event (rejected.go).

// document is a segment document ready to map.
type document = segment.Document

// docError is a refused document: reason is the metric label and tally
// reason, code the ErrorCode PutTraceSegments reports for it; id, service,
// trace and span are what could be read of it.
type docError struct {
	reason  string
	code    string
	id      string
	service string
	trace   model.TraceID
	span    model.SpanID
	msg     string
}

func (e *docError) Error() string { return e.msg }

func refusal(e *segment.Error) *docError {
	return &docError{reason: e.Reason, code: e.Code, id: e.ID, service: e.Service, trace: e.Trace, span: e.Span, msg: e.Msg}
}

// splitDatagram checks the daemon header line and returns the document
// after it.
func splitDatagram(b []byte) ([]byte, *docError) {
	body, e := segment.SplitDatagram(b)
	if e != nil {
		return nil, refusal(e)
	}
	return body, nil
}

// parseDocument decodes and validates one segment document.
func parseDocument(body []byte) (*document, *docError) {
	d, e := segment.Parse(body)
	if e != nil {
		return nil, refusal(e)
	}
	return d, nil
}

// mapDocument turns a parsed document into spans of project; raw, the
// document as received, is kept on the first.
func mapDocument(project string, d *document, raw string) []model.Span {
	return segment.Map(project, d, raw)
}

// describeJSONError names the offending member instead of Go types.
func describeJSONError(err error) string { return restjson.DescribeError(err) }
