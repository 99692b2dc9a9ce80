package xray

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"lookout/internal/identity"
	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/receiver/restjson"
)

// PutTraceSegmentsPath is where the AWS SDKs send PutTraceSegments.
const PutTraceSegmentsPath = "/TraceSegments"

type putRequest struct {
	TraceSegmentDocuments *[]string
}

// unprocessed is one entry of PutTraceSegments' UnprocessedTraceSegments.
type unprocessed struct {
	ID        string `json:"Id"`
	ErrorCode string `json:"ErrorCode"`
	Message   string `json:"Message"`
}

type putResponse struct {
	UnprocessedTraceSegments []unprocessed
}

// Handler serves PutTraceSegments (POST /TraceSegments, REST-JSON) in the
// shape AWS clients expect. It answers after the valid documents, and a
// record of each refused one (see rejectedEvent), were committed, listing
// refused ones in UnprocessedTraceSegments with an ErrorCode and a message
// naming the fault. Errors come as
// X-Amzn-ErrorType + {"message": ...}: InvalidRequestException (400) for a
// malformed request, ThrottledException (429) or ServiceUnavailableException
// (503) when the sink asks to retry. Mount it at PutTraceSegmentsPath; it
// does not need Listen.
func (r *Receiver) Handler() http.Handler { return http.HandlerFunc(r.putTraceSegments) }

func (r *Receiver) putTraceSegments(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		restjson.WriteError(w, http.StatusMethodNotAllowed, "InvalidRequestException", "PutTraceSegments takes POST")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.cfg.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			restjson.WriteError(w, http.StatusRequestEntityTooLarge, "InvalidRequestException",
				fmt.Sprintf("request body exceeds %d bytes", r.cfg.MaxRequestBytes))
			return
		}
		restjson.WriteError(w, http.StatusBadRequest, "InvalidRequestException", "reading request body: "+err.Error())
		return
	}
	var in putRequest
	if err := json.Unmarshal(body, &in); err != nil {
		restjson.WriteError(w, http.StatusBadRequest, "InvalidRequestException", "request body: "+describeJSONError(err))
		return
	}
	if in.TraceSegmentDocuments == nil {
		restjson.WriteError(w, http.StatusBadRequest, "InvalidRequestException", "TraceSegmentDocuments is required")
		return
	}
	project := identity.Project(req.Context()) // granted by the API's Guard
	out := putResponse{UnprocessedTraceSegments: []unprocessed{}}
	var spans []model.Span
	var rejected []model.LogEvent // records of the refused documents, committed with the spans
	var owners []owner
	for _, doc := range *in.TraceSegmentDocuments {
		r.m.received.WithLabelValues("http").Inc()
		d, e := parseDocument([]byte(doc))
		if e != nil {
			if ev, keep := r.refuse("http", project, e, []byte(strings.TrimSpace(doc))); keep {
				rejected = append(rejected, ev)
			}
			out.UnprocessedTraceSegments = append(out.UnprocessedTraceSegments, unprocessed{ID: e.id, ErrorCode: e.code, Message: e.msg})
			continue
		}
		r.m.parsed.WithLabelValues("http").Inc()
		owners = append(owners, owner{id: d.ID, first: len(spans)})
		spans = append(spans, mapDocument(project, d, strings.TrimSpace(doc))...) // valid UTF-8: json decoded it
	}
	if len(spans)+len(rejected) > 0 {
		res, err := r.sink.Submit(req.Context(), &model.Batch{Spans: spans, Logs: rejected})
		if err != nil {
			submitError(w, err)
			return
		}
		out.UnprocessedTraceSegments = append(out.UnprocessedTraceSegments, refusedDocuments(owners, res.Rejected)...)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", restjson.RequestID())
	_ = json.NewEncoder(w).Encode(out)
}

// owner records which document a run of spans came from.
type owner struct {
	id    string
	first int // index of its first span in the batch
}

// refusedDocuments lists each document with a span the sink refused (too
// old, too new), once, with the first refusal's reason.
func refusedDocuments(owners []owner, rej []pipeline.Rejection) []unprocessed {
	var out []unprocessed
	seen := map[int]bool{}
	for _, x := range rej {
		if x.Kind != kindSpan {
			continue
		}
		i := len(owners) - 1
		for i > 0 && owners[i].first > x.Index {
			i--
		}
		if seen[i] {
			continue
		}
		seen[i] = true
		out = append(out, unprocessed{ID: owners[i].id, ErrorCode: camel(x.Reason), Message: x.Message})
	}
	return out
}

// submitError maps a failed Submit to the AWS error a client acts on.
func submitError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, pipeline.ErrClosed):
		restjson.WriteError(w, http.StatusServiceUnavailable, "ServiceUnavailableException", err.Error())
	case pipeline.IsRetryable(err):
		w.Header().Set("Retry-After", "1")
		restjson.WriteError(w, http.StatusTooManyRequests, "ThrottledException", err.Error())
	default:
		restjson.WriteError(w, http.StatusInternalServerError, "InternalFailure", err.Error())
	}
}

// camel turns a reason such as "too_old" into an ErrorCode, "TooOld".
func camel(reason string) string {
	var b strings.Builder
	for _, part := range strings.Split(reason, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
