// Package cwlogs serves the Amazon CloudWatch Logs API (AWS JSON 1.1, POST /
// with X-Amz-Target: Logs_20140328.<Operation>) so that the AWS SDKs, the
// AWS CLI and log handlers built on them work against Lookout with only an
// endpoint override. It decodes and validates each request as the service
// does, calls its Backends (log group metadata, internal/loggroups for
// what writes do to the events, internal/logsearch for reads and Logs
// Insights) and answers in the API's shape. internal/receiver/awsjson
// speaks the protocol around the operations and checks every request
// against the service's model (internal/awsmodel); the operations that
// query (Logs Insights, saved queries, fields, live tail) are package
// queryapi's. docs/cloudwatch-logs.md lists the operations,
// limits and mapping.
package cwlogs

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"lookout/internal/awsmodel"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/cwlogs/logname"
	"lookout/internal/receiver/cwlogs/metricfilterapi"
	"lookout/internal/receiver/cwlogs/queryapi"
)

// targetPrefix starts the X-Amz-Target of every operation.
const targetPrefix = "Logs_20140328."

// Handler serves the CloudWatch Logs API. It is safe for concurrent use.
type Handler struct {
	cfg Config
	b   Backends
	log *slog.Logger
	now func() time.Time
	api *awsjson.Service
	// closed ends the live tail sessions (Close).
	closed context.Context
	close  context.CancelFunc
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
	constraints, err := awsmodel.NewValidator(awsmodel.Logs)
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, b: b, log: cfg.Logger, now: cfg.Now}
	h.closed, h.close = context.WithCancel(context.Background())
	q, err := queryapi.New(queryapi.Config{AccountID: cfg.AccountID, LiveTailMax: cfg.LiveTailMax, LiveTailEvery: cfg.LiveTailEvery,
		Closed: h.closed}, queryapi.Backends{Runner: b.Insights, Reader: b.Reader, QueryDefs: b.QueryDefs, Groups: queryGroups{h}})
	if err != nil {
		return nil, err
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.api = &awsjson.Service{Name: "CloudWatch Logs", TargetPrefix: targetPrefix, MaxRequestBytes: cfg.MaxRequestBytes,
		ValidationCode: validationCode, Constraints: constraints, Authenticate: h.authenticate, Classify: asAPIError, Logger: h.log,
		Operations: map[string]awsjson.Operation{
			"CreateLogGroup":        h.createLogGroup,
			"DeleteLogGroup":        h.deleteLogGroup,
			"DescribeLogGroups":     h.describeLogGroups,
			"ListLogGroups":         h.listLogGroups,
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
		},
		Streaming: q.Streaming()}
	maps.Copy(h.api.Operations, q.Operations())
	maps.Copy(h.api.Operations, metricfilterapi.Operations(b.MetricFilters, queryGroups{h}))
	return h, nil
}

// Close ends the live tail sessions in progress (with a
// SessionStreamingException) and refuses new ones: call it before shutting
// the HTTP server down, which waits for open answers.
func (h *Handler) Close() { h.close() }

// ServeHTTP dispatches on X-Amz-Target and answers in the AWS JSON 1.1 shape.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.api.ServeHTTP(w, r) }

// queryGroups lends the query operations the API's log group rules.
type queryGroups struct{ h *Handler }

func (g queryGroups) Name(name, identifier *string) (string, error) {
	return logname.Resolve(name, identifier)
}

func (g queryGroups) Check(ctx context.Context, c awsjson.Caller, name string) error {
	_, err := g.h.logGroup(ctx, c, name)
	return err
}

// authenticate tells the project and region of a call by the access keys
// of Config.Keys (read at each call).
func (h *Handler) authenticate(r *http.Request, body []byte) (awsjson.Caller, error) {
	return awsjson.Auth{Keys: h.cfg.Keys, Region: h.cfg.Region, API: "the CloudWatch Logs API", Service: "logs",
		OpenToAnyone: h.cfg.OpenToAnyone, Now: h.now}.Authenticate(r, body)
}
