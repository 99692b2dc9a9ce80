package otlp

import (
	"context"
	"fmt"
	"lookout/internal/loglevel"
	"lookout/internal/model"
	"lookout/internal/otlpconv"
	"lookout/internal/receiver/otlp/otlpjson"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricspb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// malformedError is a request body that is not the signal's message.
type malformedError struct{ err error }

func (e *malformedError) Error() string { return e.err.Error() }
func (e *malformedError) Unwrap() error { return e.err }

// exportMessage decodes data (encoded as ct) as the Export request of the
// signal kind, calls decoded once data is no longer needed, converts and
// submits the items, and returns the Export response: with partial_success
// when items were refused. A body that does not decode gives a
// *malformedError.
func (r *Receiver) exportMessage(ctx context.Context, kind, project, ct string, data []byte, decoded func()) (proto.Message, error) {
	// The request is decoded and converted in decodeSignal, so that nothing
	// of its protobuf form is left to hold memory while the batch waits
	// for its commit.
	b, rej, total, err := decodeSignal(kind, project, ct, data, decoded)
	if err != nil {
		return nil, err
	}
	out, err := r.export(ctx, kind, project, rej, total, b)
	if err != nil {
		return nil, err
	}
	switch kind {
	case kindSpan:
		resp := &coltracepb.ExportTraceServiceResponse{}
		if out.rejected > 0 {
			resp.PartialSuccess = &coltracepb.ExportTracePartialSuccess{RejectedSpans: out.rejected, ErrorMessage: out.message}
		}
		return resp, nil
	case kindLog:
		resp := &collogspb.ExportLogsServiceResponse{}
		if out.rejected > 0 {
			resp.PartialSuccess = &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: out.rejected, ErrorMessage: out.message}
		}
		return resp, nil
	}
	resp := &colmetricspb.ExportMetricsServiceResponse{}
	if out.rejected > 0 {
		resp.PartialSuccess = &colmetricspb.ExportMetricsPartialSuccess{RejectedDataPoints: out.rejected, ErrorMessage: out.message}
	}
	return resp, nil
}

// decodeSignal decodes data as the Export request of kind, calls decoded
// once data is no longer needed, and converts the request's items: the
// batch, the items refused and how many there were in all.
func decodeSignal(kind, project, ct string, data []byte, decoded func()) (*model.Batch, []otlpconv.Rejection, int, error) {
	switch kind {
	case kindSpan:
		var m coltracepb.ExportTraceServiceRequest
		err := unmarshal(ct, data, &m, func() error { return otlpjson.FixTraceIDs(&m) })
		decoded()
		if err != nil {
			return nil, nil, 0, &malformedError{err}
		}
		spans, rej := otlpconv.SpansFromProto(project, m.ResourceSpans)
		return &model.Batch{Spans: spans}, rej, len(spans) + len(rej), nil
	case kindLog:
		var m collogspb.ExportLogsServiceRequest
		err := unmarshal(ct, data, &m, func() error { return otlpjson.FixLogIDs(&m) })
		decoded()
		if err != nil {
			return nil, nil, 0, &malformedError{err}
		}
		logs, rej := otlpconv.LogsFromProto(project, m.ResourceLogs)
		for i := range logs {
			loglevel.Fill(&logs[i]) // records without a severity number: from their text, body or level attribute
		}
		return &model.Batch{Logs: logs}, rej, len(logs) + len(rej), nil
	case kindMetric:
		var m colmetricspb.ExportMetricsServiceRequest
		err := unmarshal(ct, data, &m, func() error { return otlpjson.FixMetricIDs(&m) })
		decoded()
		if err != nil {
			return nil, nil, 0, &malformedError{err}
		}
		points, rej := otlpconv.MetricsFromProto(project, m.ResourceMetrics)
		return &model.Batch{Metrics: points}, rej, len(points) + len(rej), nil
	}
	decoded()
	return nil, nil, 0, fmt.Errorf("otlp: unknown signal %q", kind)
}
