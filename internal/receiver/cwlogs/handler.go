// Package cwlogs serves the Amazon CloudWatch Logs API (AWS JSON 1.1, POST /
// with X-Amz-Target: Logs_20140328.<Operation>) so that the AWS SDKs, the
// AWS CLI and log handlers built on them work against Lookout with only an
// endpoint override. It decodes and validates each request as the service
// does, calls its Backends (log group metadata, the pipeline for
// PutLogEvents, internal/logsearch for reads and Logs Insights,
// internal/retention for retention policies) and answers in the API's
// shape. docs/cloudwatch-logs.md lists the operations, limits and mapping.
package cwlogs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

const (
	contentType  = "application/x-amz-json-1.1"
	targetPrefix = "Logs_20140328."
)

// Handler serves the CloudWatch Logs API. It is safe for concurrent use.
type Handler struct {
	cfg   Config
	b     Backends
	log   *slog.Logger
	now   func() time.Time
	clock *ingestClock
	ops   map[string]operation
}

// operation runs one API call on a decoded request context and returns the
// JSON output.
type operation func(ctx context.Context, c *call, body []byte) (any, error)

// call is what an operation knows about its request.
type call struct {
	project string
	region  string
}

// New builds the handler. Route to it every request of the main HTTP port
// that carries an X-Amz-Target header, and POST / without one: it serves
// Logs_20140328.* and answers any other target, or none, with
// UnknownOperationException naming what was asked.
func New(cfg Config, b Backends) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := b.complete(); err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, b: b, log: cfg.Logger, now: cfg.Now}
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
		"StartQuery":            h.startQuery,
		"GetQueryResults":       h.getQueryResults,
		"StopQuery":             h.stopQuery,
		"DescribeQueries":       h.describeQueries,
	}
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
		writeError(w, unknownOperation(target))
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

// unknownOperation names the operation an X-Amz-Target header asks for and
// says it is not supported, or says that the header is missing.
func unknownOperation(target string) *apiError {
	if target == "" {
		return &apiError{"UnknownOperationException", http.StatusBadRequest,
			"no operation named: the X-Amz-Target header is missing (CloudWatch Logs takes " + targetPrefix + "<Operation>)"}
	}
	return &apiError{"UnknownOperationException", http.StatusBadRequest,
		fmt.Sprintf("operation %q is not supported by this server's CloudWatch Logs API", target)}
}

// requestID makes an id in the UUID form AWS uses.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	s := hex.EncodeToString(b[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
