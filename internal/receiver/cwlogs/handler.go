// Package cwlogs serves the Amazon CloudWatch Logs API (AWS JSON 1.1, POST /
// with X-Amz-Target: Logs_20140328.<Operation>) so that the AWS SDKs, the
// AWS CLI and log handlers built on them work against Lookout with only an
// endpoint override. Log groups and streams are metadata (store.LogGroups);
// events go through the pipeline as model.LogEvent, durable before the
// reply, and are read back through store.LogGroupEvents.
// docs/cloudwatch-logs.md lists the operations, limits and mapping.
package cwlogs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

const (
	contentType  = "application/x-amz-json-1.1"
	targetPrefix = "Logs_20140328."
)

// Sink takes the events of PutLogEvents. Submit commits a batch durably
// before returning (items listed in the result's Rejected were refused); on
// error nothing is guaranteed committed and pipeline.IsRetryable tells
// whether a resend may succeed. Rejected records items refused before
// submission (kind "log"). *pipeline.Pipeline implements it.
type Sink interface {
	Submit(ctx context.Context, b *model.Batch) (pipeline.Result, error)
	Rejected(kind, project, service, reason, message string, n int)
}

// Handler serves the CloudWatch Logs API. It is safe for concurrent use.
type Handler struct {
	cfg    Config
	sink   Sink
	meta   store.LogGroups
	events store.LogGroupEvents
	log    *slog.Logger
	now    func() time.Time
	clock  *ingestClock
	ops    map[string]operation
}

// operation runs one API call on a decoded request context and returns the
// JSON output.
type operation func(ctx context.Context, c *call, body []byte) (any, error)

// call is what an operation knows about its request.
type call struct {
	project string
	region  string
}

// New builds the handler. Mount it at "POST /" on the main HTTP port; it
// answers only requests carrying X-Amz-Target: Logs_20140328.*, and Run
// must run for group retention policies to be enforced over time.
func New(cfg Config, sink Sink, meta store.LogGroups, events store.LogGroupEvents) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if sink == nil || meta == nil || events == nil {
		return nil, errors.New("cwlogs: sink, metadata store and event store are required")
	}
	h := &Handler{cfg: cfg, sink: sink, meta: meta, events: events, log: cfg.Logger, now: cfg.Now}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.clock = &ingestClock{now: h.now}
	h.ops = map[string]operation{
		"CreateLogGroup":        h.createLogGroup,
		"DeleteLogGroup":        h.deleteLogGroup,
		"DescribeLogGroups":     h.describeLogGroups,
		"CreateLogStream":       h.createLogStream,
		"DeleteLogStream":       h.deleteLogStream,
		"DescribeLogStreams":    h.describeLogStreams,
		"PutLogEvents":          h.putLogEvents,
		"GetLogEvents":          h.getLogEvents,
		"FilterLogEvents":       h.filterLogEvents,
		"PutRetentionPolicy":    h.putRetentionPolicy,
		"DeleteRetentionPolicy": h.deleteRetentionPolicy,
		"TagResource":           h.tagResource,
		"UntagResource":         h.untagResource,
		"ListTagsForResource":   h.listTagsForResource,
		"TagLogGroup":           h.tagLogGroup,
		"UntagLogGroup":         h.untagLogGroup,
		"ListTagsLogGroup":      h.listTagsLogGroup,
	}
	h.addInsights()
	return h, nil
}

// IsCloudWatchLogs reports whether r is a CloudWatch Logs API call, for a
// mux that shares "POST /" with other handlers.
func IsCloudWatchLogs(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
}

// ServeHTTP dispatches on X-Amz-Target and answers in the AWS JSON 1.1 shape.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", requestID())
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, &apiError{"InvalidAction", http.StatusMethodNotAllowed, "the CloudWatch Logs API takes POST"})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	op := h.ops[name]
	if !ok || op == nil {
		writeError(w, newAPIError("UnknownOperationException", "unknown operation %q", target).(*apiError))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, &apiError{"InvalidParameterException", http.StatusRequestEntityTooLarge, "request body exceeds the size limit"})
			return
		}
		writeError(w, &apiError{"SerializationException", http.StatusBadRequest, "reading request body: " + err.Error()})
		return
	}
	c, err := h.authenticate(r, body)
	if err == nil {
		var out any
		if out, err = op(r.Context(), c, body); err == nil {
			w.Header().Set("Content-Type", contentType)
			if out == nil {
				out = struct{}{}
			}
			_ = json.NewEncoder(w).Encode(out)
			return
		}
	}
	e, internal := asAPIError(err)
	if internal {
		h.log.Error("cwlogs: operation failed", "operation", name, "err", err)
	}
	writeError(w, e)
}

// decode reads a request body (empty means {}) into v.
func decode(body []byte, v any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return newAPIError("SerializationException", "field %s: expected %s, got a JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return newAPIError("SerializationException", "request body is not valid JSON: %v", err)
	}
	return nil
}

// requestID makes an id in the UUID form AWS uses.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
