package otlp

import (
	"context"
	"fmt"

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
	switch kind {
	case kindSpan:
		var m coltracepb.ExportTraceServiceRequest
		err := unmarshal(ct, data, &m, func() error { return fixTraceIDs(&m) })
		decoded()
		if err != nil {
			return nil, &malformedError{err}
		}
		out, err := r.exportTraces(ctx, project, m.ResourceSpans)
		if err != nil {
			return nil, err
		}
		resp := &coltracepb.ExportTraceServiceResponse{}
		if out.rejected > 0 {
			resp.PartialSuccess = &coltracepb.ExportTracePartialSuccess{RejectedSpans: out.rejected, ErrorMessage: out.message}
		}
		return resp, nil
	case kindLog:
		var m collogspb.ExportLogsServiceRequest
		err := unmarshal(ct, data, &m, func() error { return fixLogIDs(&m) })
		decoded()
		if err != nil {
			return nil, &malformedError{err}
		}
		out, err := r.exportLogs(ctx, project, m.ResourceLogs)
		if err != nil {
			return nil, err
		}
		resp := &collogspb.ExportLogsServiceResponse{}
		if out.rejected > 0 {
			resp.PartialSuccess = &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: out.rejected, ErrorMessage: out.message}
		}
		return resp, nil
	case kindMetric:
		var m colmetricspb.ExportMetricsServiceRequest
		err := unmarshal(ct, data, &m, func() error { return fixMetricIDs(&m) })
		decoded()
		if err != nil {
			return nil, &malformedError{err}
		}
		out, err := r.exportMetrics(ctx, project, m.ResourceMetrics)
		if err != nil {
			return nil, err
		}
		resp := &colmetricspb.ExportMetricsServiceResponse{}
		if out.rejected > 0 {
			resp.PartialSuccess = &colmetricspb.ExportMetricsPartialSuccess{RejectedDataPoints: out.rejected, ErrorMessage: out.message}
		}
		return resp, nil
	}
	decoded()
	return nil, fmt.Errorf("otlp: unknown signal %q", kind)
}
