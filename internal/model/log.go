package model

// LogEvent is one log record. OTLP log records and CloudWatch Logs events are the
// same kind of data: CloudWatch events carry their group and stream, OTLP records
// leave them empty. Either links to a trace through TraceID.
type LogEvent struct {
	Project              string
	TimeUnixNano         int64
	ObservedTimeUnixNano int64
	SeverityNumber       int32 // OTLP scale 1..24, 0 = unspecified
	SeverityText         string
	Body                 Value
	EventName            string

	Attributes             Attributes
	DroppedAttributesCount uint32
	Flags                  uint32
	TraceID                TraceID
	SpanID                 SpanID

	LogGroup  string
	LogStream string

	Resource Resource
	Scope    Scope
}

// EffectiveTimeUnixNano is when the event happened: TimeUnixNano, or the
// observed time when the sender left it unset (the OTLP rule). Stores partition
// and order logs by it.
func (l *LogEvent) EffectiveTimeUnixNano() int64 {
	if l.TimeUnixNano != 0 {
		return l.TimeUnixNano
	}
	return l.ObservedTimeUnixNano
}

// Service returns the log's service name.
func (l *LogEvent) Service() string { return l.Resource.Service() }

// Batch is the unit the pipeline commits atomically: everything one client
// request carried. A receiver fills it; a store writes it.
type Batch struct {
	Spans   []Span
	Logs    []LogEvent
	Metrics []MetricPoint
}

// Len is the number of items in the batch, the unit of queue budgets.
func (b *Batch) Len() int { return len(b.Spans) + len(b.Logs) + len(b.Metrics) }
