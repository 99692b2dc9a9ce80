package query

// Source is the kind of stored data a query reads: spans (the default), log
// events or metric points. Spans and logs answer the same calculations,
// filters and breakdowns; only their fields differ (SpanFields, LogFields).
// Metrics read a metric's name as a column and aggregate by the metric's
// type (see metrics.go). Attributes are looked up the same way everywhere
// (the record's own, then its resource's).
type Source string

// The sources.
const (
	SourceSpans   Source = "spans"
	SourceLogs    Source = "logs"
	SourceMetrics Source = "metrics"
)

// The log fields beyond those shared with spans (service.name, trace ids,
// library.*), named after the OTLP log record and CloudWatch Logs.
const (
	ColSeverityText   = "severity_text"
	ColSeverityNumber = "severity_number"
	ColBody           = "body"
	ColLogGroup       = "log.group"
	ColLogStream      = "log.stream"
	ColEventName      = "event.name"
)

// LogFields lists the log fields every store must answer, in display order.
var LogFields = []Column{
	{Name: ColService, Type: TypeString, Source: "log", Description: "service name (unknown_service when unset)"},
	{Name: ColSeverityText, Type: TypeString, Source: "log", Description: "severity as the sender wrote it; absent when empty"},
	{Name: ColSeverityNumber, Type: TypeInteger, Source: "log", Description: "OTLP severity number: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal"},
	{Name: ColBody, Type: TypeString, Source: "log", Description: "the body as text (CloudWatch Logs: the message)"},
	{Name: ColLogGroup, Type: TypeString, Source: "log", Description: "CloudWatch Logs group; absent on OTLP logs"},
	{Name: ColLogStream, Type: TypeString, Source: "log", Description: "CloudWatch Logs stream; absent on OTLP logs"},
	{Name: ColEventName, Type: TypeString, Source: "log", Description: "OTLP event name; absent when empty"},
	{Name: ColTraceID, Type: TypeString, Source: "log", Description: "trace id, 32 lower-case hex digits; absent when unlinked"},
	{Name: ColSpanID, Type: TypeString, Source: "log", Description: "span id, 16 lower-case hex digits; absent when unlinked"},
	{Name: ColLibraryName, Type: TypeString, Source: "log", Description: "instrumentation scope name"},
	{Name: ColLibraryVer, Type: TypeString, Source: "log", Description: "instrumentation scope version"},
}

// Fields returns the fields of a source.
func Fields(s Source) []Column {
	switch s {
	case SourceLogs:
		return LogFields
	case SourceMetrics:
		return MetricFields
	}
	return SpanFields
}
