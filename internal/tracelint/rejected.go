package tracelint

import (
	"context"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// RuleRejectedDocument: an X-Ray segment document of the trace (or service)
// was refused by the receiver, so its spans are missing.
const RuleRejectedDocument = "rejected-document"

// What the X-Ray receiver records for a refused document: a log event whose
// body starts with RejectedBodyPrefix, with these attributes
// (docs/xray-mapping.md). The receiver writes them with these constants.
const (
	RejectedBodyPrefix    = "X-Ray segment document rejected"
	AttrRejectedReason    = "xray.rejected.reason"
	AttrRejectedErrorCode = "xray.rejected.error_code"
	AttrRejectedTransport = "xray.rejected.transport"
	AttrDocumentID        = "xray.document.id"
	AttrDocumentExcerpt   = "xray.document.excerpt"
)

// RejectedDocument describes a refused segment document in a finding.
type RejectedDocument struct {
	ID         string    `json:"id,omitempty"`      // as sent, when it had one
	TraceID    string    `json:"traceId,omitempty"` // when the document's trace_id could be read
	Reason     string    `json:"reason"`            // e.g. "bad_trace_id"
	ErrorCode  string    `json:"errorCode"`         // as PutTraceSegments reports it, e.g. "InvalidTraceId"
	Transport  string    `json:"transport"`         // "udp" or "api"
	Excerpt    string    `json:"excerpt"`           // the document's first KiB
	ReceivedAt time.Time `json:"receivedAt"`
}

// RejectedFinding turns the receiver's record of a refused document into a
// finding; ok is false for any other log event.
func RejectedFinding(l *model.LogEvent) (Finding, bool) {
	reason := attrText(l.Attributes, AttrRejectedReason)
	body := l.Body.AsString()
	if reason == "" || !strings.HasPrefix(body, RejectedBodyPrefix) {
		return Finding{}, false
	}
	f := Finding{Rule: RuleRejectedDocument, Severity: "error", Service: l.Service(), Message: body,
		Document: &RejectedDocument{
			ID:         attrText(l.Attributes, AttrDocumentID),
			Reason:     reason,
			ErrorCode:  attrText(l.Attributes, AttrRejectedErrorCode),
			Transport:  attrText(l.Attributes, AttrRejectedTransport),
			Excerpt:    attrText(l.Attributes, AttrDocumentExcerpt),
			ReceivedAt: time.Unix(0, l.EffectiveTimeUnixNano()).UTC(),
		}}
	if !l.TraceID.IsZero() {
		f.Document.TraceID = l.TraceID.String()
	}
	if !l.SpanID.IsZero() {
		f.SpanID = l.SpanID.String()
	}
	return f, true
}

func attrText(a model.Attributes, key string) string {
	if v, ok := a.Get(key); ok {
		return v.AsString()
	}
	return ""
}

// rejectedFindings reads the records of refused documents matching q (its
// Text is set here) and returns up to keep findings, how many records
// matched, and whether q.Limit cut the reading short.
func (h *Handlers) rejectedFindings(ctx context.Context, q store.LogQuery, keep int) ([]Finding, int, bool, error) {
	q.Text = RejectedBodyPrefix
	findings := []Finding{}
	matched, read := 0, 0
	for l, err := range h.src.Logs(ctx, q) {
		if err != nil {
			return nil, 0, false, err
		}
		read++
		f, ok := RejectedFinding(&l)
		if !ok {
			continue
		}
		matched++
		if len(findings) < keep {
			findings = append(findings, f)
		}
	}
	return findings, matched, q.Limit > 0 && read >= q.Limit, nil
}
