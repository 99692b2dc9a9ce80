package queryapi

import (
	"context"
	"errors"

	"lookout/internal/logsearch"
	"lookout/internal/query/insights"
	"lookout/internal/receiver/awsjson"
)

type logRecordInput struct {
	LogRecordPointer *string `json:"logRecordPointer"`
	Unmask           bool    `json:"unmask"`
}

// getLogRecord expands a @ptr of GetQueryResults into every field of its
// event, as strings (times in epoch milliseconds).
func (o *API) getLogRecord(ctx context.Context, c awsjson.Caller, body []byte) (any, error) {
	var in logRecordInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	ev, err := o.b.Reader.Record(ctx, c.Project, deref(in.LogRecordPointer))
	switch {
	case errors.Is(err, logsearch.ErrBadPointer):
		return nil, invalidParam("The specified logRecordPointer is not valid.")
	case errors.Is(err, logsearch.ErrRecordNotFound):
		return nil, awsjson.Errorf("ResourceNotFoundException", "The specified log record does not exist.")
	case err != nil:
		return nil, err
	}
	return struct {
		LogRecord map[string]string `json:"logRecord"`
	}{insights.Record(&ev, o.cfg.AccountID)}, nil
}
