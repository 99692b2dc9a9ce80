package otlpconv

import (
	"fmt"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"

	"lookout/internal/model"
)

// LogsFromProto converts the log records of an export request, tagging each
// with project. Valid records are returned in request order; every other one
// is listed in rejected with its position and the reason. A record is refused
// when its trace id is neither empty nor 16 bytes, its span id is neither
// empty nor 8 bytes, or a timestamp exceeds int64 nanoseconds. All-zero ids
// mean "no trace", as in OTLP.
func LogsFromProto(project string, rls []*logspb.ResourceLogs) (logs []model.LogEvent, rejected []Rejection) {
	return fromProto(logSignal(), project, rls)
}

// logSignal describes OTLP logs for fromProto and toProto.
func logSignal() signal[*logspb.ResourceLogs, *logspb.ScopeLogs, *logspb.LogRecord, model.LogEvent] {
	return signal[*logspb.ResourceLogs, *logspb.ScopeLogs, *logspb.LogRecord, model.LogEvent]{
		noun:   "log record",
		scopes: (*logspb.ResourceLogs).GetScopeLogs,
		items:  (*logspb.ScopeLogs).GetLogRecords,
		name:   (*logspb.LogRecord).GetEventName,
		item: func(project string, res model.Resource, scope model.Scope) model.LogEvent {
			return model.LogEvent{Project: project, Resource: res, Scope: scope}
		},
		fill:   logFromProto,
		origin: func(l *model.LogEvent) (*model.Resource, *model.Scope) { return &l.Resource, &l.Scope },
		newGroup: func(res *resourcepb.Resource, schemaURL string) *logspb.ResourceLogs {
			return &logspb.ResourceLogs{Resource: res, SchemaUrl: schemaURL}
		},
		addScope: func(rl *logspb.ResourceLogs, scope *commonpb.InstrumentationScope, schemaURL string) *logspb.ScopeLogs {
			sl := &logspb.ScopeLogs{Scope: scope, SchemaUrl: schemaURL}
			rl.ScopeLogs = append(rl.ScopeLogs, sl)
			return sl
		},
		add: func(sl *logspb.ScopeLogs, l *model.LogEvent) { sl.LogRecords = append(sl.LogRecords, logToProto(l)) },
	}
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
	return &logspb.LogsData{ResourceLogs: toProto(logSignal(), logs)}
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
