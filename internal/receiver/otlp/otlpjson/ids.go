// Package otlpjson mends what protojson decodes from OTLP/JSON. OTLP/JSON
// writes trace and span ids as hex strings, while protojson decodes bytes
// fields as base64. Hex digits are all base64 characters, and an id's hex
// form (32 or 16 characters) is a whole number of base64 quanta, so
// protojson decodes it without loss into 24 or 12 bytes: encoding those back
// to base64 gives the original hex text, which is then decoded as hex. No
// second JSON pass is needed.
package otlpjson

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
)

// hexID turns what protojson decoded from an id field back into the id, or
// fails when the text was not an id's hex form. Empty stays empty.
func hexID(b []byte, size int) ([]byte, error) {
	if len(b) == 0 {
		return b, nil
	}
	if len(b) != size*2*3/4 {
		return nil, fmt.Errorf("want %d hex characters", size*2)
	}
	text := base64.StdEncoding.EncodeToString(b)
	id := make([]byte, size)
	if _, err := hex.Decode(id, []byte(text)); err != nil {
		return nil, fmt.Errorf("%q is not %d hex characters", text, size*2)
	}
	return id, nil
}

// FixTraceIDs decodes the trace, span and parent ids of every span and link.
func FixTraceIDs(req *coltracepb.ExportTraceServiceRequest) error {
	for i, rs := range req.ResourceSpans {
		for j, ss := range rs.GetScopeSpans() {
			for k, s := range ss.GetSpans() {
				if s == nil {
					continue
				}
				at := func(field string) string {
					return fmt.Sprintf("resourceSpans[%d].scopeSpans[%d].spans[%d].%s", i, j, k, field)
				}
				var err error
				if s.TraceId, err = hexID(s.TraceId, 16); err != nil {
					return fmt.Errorf("%s: %w", at("traceId"), err)
				}
				if s.SpanId, err = hexID(s.SpanId, 8); err != nil {
					return fmt.Errorf("%s: %w", at("spanId"), err)
				}
				if s.ParentSpanId, err = hexID(s.ParentSpanId, 8); err != nil {
					return fmt.Errorf("%s: %w", at("parentSpanId"), err)
				}
				for l, link := range s.Links {
					if link == nil {
						continue
					}
					if link.TraceId, err = hexID(link.TraceId, 16); err != nil {
						return fmt.Errorf("%s: %w", at(fmt.Sprintf("links[%d].traceId", l)), err)
					}
					if link.SpanId, err = hexID(link.SpanId, 8); err != nil {
						return fmt.Errorf("%s: %w", at(fmt.Sprintf("links[%d].spanId", l)), err)
					}
				}
			}
		}
	}
	return nil
}

// FixLogIDs decodes the trace and span ids of every log record.
func FixLogIDs(req *collogspb.ExportLogsServiceRequest) error {
	for i, rl := range req.ResourceLogs {
		for j, sl := range rl.GetScopeLogs() {
			for k, lr := range sl.GetLogRecords() {
				if lr == nil {
					continue
				}
				var err error
				if lr.TraceId, err = hexID(lr.TraceId, 16); err != nil {
					return fmt.Errorf("resourceLogs[%d].scopeLogs[%d].logRecords[%d].traceId: %w", i, j, k, err)
				}
				if lr.SpanId, err = hexID(lr.SpanId, 8); err != nil {
					return fmt.Errorf("resourceLogs[%d].scopeLogs[%d].logRecords[%d].spanId: %w", i, j, k, err)
				}
			}
		}
	}
	return nil
}

// FixMetricIDs decodes the ids of every exemplar (summaries have none).
func FixMetricIDs(req *colmetricspb.ExportMetricsServiceRequest) error {
	for i, rm := range req.ResourceMetrics {
		for j, sm := range rm.GetScopeMetrics() {
			for k, m := range sm.GetMetrics() {
				at := func(l int, points string, n int, field string) string {
					return fmt.Sprintf("resourceMetrics[%d].scopeMetrics[%d].metrics[%d].%s.dataPoints[%d].exemplars[%d].%s",
						i, j, k, points, l, n, field)
				}
				var err error
				switch d := m.GetData().(type) {
				case *metricspb.Metric_Gauge:
					for l, p := range d.Gauge.GetDataPoints() {
						err = fixExemplarIDs(p.GetExemplars(), func(n int, f string) string { return at(l, "gauge", n, f) })
						if err != nil {
							return err
						}
					}
				case *metricspb.Metric_Sum:
					for l, p := range d.Sum.GetDataPoints() {
						err = fixExemplarIDs(p.GetExemplars(), func(n int, f string) string { return at(l, "sum", n, f) })
						if err != nil {
							return err
						}
					}
				case *metricspb.Metric_Histogram:
					for l, p := range d.Histogram.GetDataPoints() {
						err = fixExemplarIDs(p.GetExemplars(), func(n int, f string) string { return at(l, "histogram", n, f) })
						if err != nil {
							return err
						}
					}
				case *metricspb.Metric_ExponentialHistogram:
					for l, p := range d.ExponentialHistogram.GetDataPoints() {
						err = fixExemplarIDs(p.GetExemplars(), func(n int, f string) string { return at(l, "exponentialHistogram", n, f) })
						if err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

func fixExemplarIDs(es []*metricspb.Exemplar, at func(n int, field string) string) error {
	for n, e := range es {
		if e == nil {
			continue
		}
		var err error
		if e.TraceId, err = hexID(e.TraceId, 16); err != nil {
			return fmt.Errorf("%s: %w", at(n, "traceId"), err)
		}
		if e.SpanId, err = hexID(e.SpanId, 8); err != nil {
			return fmt.Errorf("%s: %w", at(n, "spanId"), err)
		}
	}
	return nil
}
