package otlpconv

import (
	"fmt"

	logspb "go.opentelemetry.io/proto/otlp/logs/v1"

	"lookout/internal/model"
)

// LogsFromProto converts the log records of an export request, tagging each
// with project. Valid records are returned in request order; every other one
// is listed in rejected with its position and the reason. A record is refused
// when its trace id is neither empty nor 16 bytes, its span id is neither
// empty nor 8 bytes, or a timestamp exceeds int64 nanoseconds. All-zero ids
// mean "no trace", as in OTLP.
func LogsFromProto(project string, rls []*logspb.ResourceLogs) (logs []model.LogEvent, rejected []Rejection) {
	n := 0
	for _, rl := range rls {
		for _, sl := range rl.GetScopeLogs() {
			n += len(sl.GetLogRecords())
		}
	}
	if n == 0 {
		return nil, nil
	}
	logs = make([]model.LogEvent, 0, n)
	index := 0
	for _, rl := range rls {
		res := resourceFromProto(rl.GetResource(), rl.GetSchemaUrl())
		for _, sl := range rl.GetScopeLogs() {
			scope := scopeFromProto(sl.GetScope(), sl.GetSchemaUrl())
			for _, pr := range sl.GetLogRecords() {
				logs = append(logs, model.LogEvent{Project: project, Resource: res, Scope: scope})
				if p := logFromProto(&logs[len(logs)-1], pr); p != nil {
					logs = logs[:len(logs)-1]
					rejected = append(rejected, Rejection{
						Index:   index,
						Service: res.Service(),
						Reason:  p.reason,
						Message: describe("log record", index, pr.GetEventName(), scope.Name) + ": " + p.msg,
					})
				}
				index++
			}
		}
	}
	return logs, rejected
}

func logFromProto(l *model.LogEvent, p *logspb.LogRecord) *problem {
	var err *problem
	if l.TimeUnixNano, err = nanos("time_unix_nano", p.GetTimeUnixNano()); err != nil {
		return err
	}
	if l.ObservedTimeUnixNano, err = nanos("observed_time_unix_nano", p.GetObservedTimeUnixNano()); err != nil {
		return err
	}
	if b := p.GetTraceId(); len(b) != 0 {
		if len(b) != len(l.TraceID) {
			return &problem{ReasonInvalidTraceID, fmt.Sprintf("trace_id must be empty or 16 bytes, got %d", len(b))}
		}
		copy(l.TraceID[:], b)
	}
	if b := p.GetSpanId(); len(b) != 0 {
		if len(b) != len(l.SpanID) {
			return &problem{ReasonInvalidSpanID, fmt.Sprintf("span_id must be empty or 8 bytes, got %d", len(b))}
		}
		copy(l.SpanID[:], b)
	}
	l.SeverityNumber = int32(p.GetSeverityNumber())
	l.SeverityText = p.GetSeverityText()
	l.Body = valueFromProto(p.GetBody())
	l.EventName = p.GetEventName()
	l.Attributes = attrsFromProto(p.GetAttributes())
	l.DroppedAttributesCount = p.GetDroppedAttributesCount()
	l.Flags = p.GetFlags()
	return nil
}

// LogsData converts log events back to OTLP, grouped by resource and scope as
// TracesData groups spans. Zero ids become absent fields; CloudWatch group and
// stream names, which OTLP has no field for, are left out.
func LogsData(logs []model.LogEvent) *logspb.LogsData {
	out := &logspb.LogsData{}
	var g grouper[*logspb.ResourceLogs, *logspb.ScopeLogs]
	for i := range logs {
		l := &logs[i]
		sl := g.find(&l.Resource, &l.Scope,
			func() *logspb.ResourceLogs {
				rl := &logspb.ResourceLogs{Resource: resourceToProto(&l.Resource), SchemaUrl: l.Resource.SchemaURL}
				out.ResourceLogs = append(out.ResourceLogs, rl)
				return rl
			},
			func(rl *logspb.ResourceLogs) *logspb.ScopeLogs {
				sl := &logspb.ScopeLogs{Scope: scopeToProto(&l.Scope), SchemaUrl: l.Scope.SchemaURL}
				rl.ScopeLogs = append(rl.ScopeLogs, sl)
				return sl
			})
		sl.LogRecords = append(sl.LogRecords, logToProto(l))
	}
	return out
}

func logToProto(l *model.LogEvent) *logspb.LogRecord {
	p := &logspb.LogRecord{
		TimeUnixNano:           uint64(max(l.TimeUnixNano, 0)),
		ObservedTimeUnixNano:   uint64(max(l.ObservedTimeUnixNano, 0)),
		SeverityNumber:         logspb.SeverityNumber(l.SeverityNumber),
		SeverityText:           l.SeverityText,
		Body:                   valueToProto(l.Body),
		EventName:              l.EventName,
		Attributes:             attrsToProto(l.Attributes),
		DroppedAttributesCount: l.DroppedAttributesCount,
		Flags:                  l.Flags,
	}
	if !l.TraceID.IsZero() {
		p.TraceId = l.TraceID[:]
	}
	if !l.SpanID.IsZero() {
		p.SpanId = l.SpanID[:]
	}
	return p
}
