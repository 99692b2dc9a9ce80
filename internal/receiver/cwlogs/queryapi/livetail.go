package queryapi

import (
	"cmp"
	"context"
	"errors"
	"time"

	"lookout/internal/logsearch"
	"lookout/internal/query/cwpattern"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/restjson"
)

// defaultTailMaxAge is the service's limit of a session.
const defaultTailMaxAge = 3 * time.Hour

type liveTailInput struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	LogEventFilterPattern *string  `json:"logEventFilterPattern,omitempty"`
}

type liveTailStart struct {
	RequestID string `json:"requestId"`
	SessionID string `json:"sessionId"`
	liveTailInput
}

type liveTailEvent struct {
	LogStreamName      string `json:"logStreamName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	Message            string `json:"message"`
	Timestamp          int64  `json:"timestamp"`
	IngestionTime      int64  `json:"ingestionTime"`
}

type liveTailUpdate struct {
	SessionMetadata struct {
		Sampled bool `json:"sampled"`
	} `json:"sessionMetadata"`
	SessionResults []liveTailEvent `json:"sessionResults"`
}

// startLiveTail validates the call and checks the groups, then streams
// sessionStart and a sessionUpdate per second that found new events, until
// the client goes or Config.LiveTailMax passes (SessionTimeoutException).
func (o *API) startLiveTail(ctx context.Context, c awsjson.Caller, body []byte) (awsjson.StreamFunc, error) {
	var in liveTailInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	q, ids, err := o.liveTailQuery(c.Project, in)
	if err != nil {
		return nil, err
	}
	for _, g := range q.Groups {
		if err := o.b.Groups.Check(ctx, c, g); err != nil {
			return nil, err
		}
	}
	if o.cfg.Closed.Err() != nil {
		return nil, awsjson.Errorf("ServiceUnavailableException", "the server is shutting down")
	}
	q.Every = o.cfg.LiveTailEvery
	return func(ctx context.Context, w *awsjson.EventWriter) error {
		start := liveTailStart{RequestID: restjson.RequestID(), SessionID: restjson.RequestID(), liveTailInput: in}
		if err := w.Event("sessionStart", start); err != nil {
			return err
		}
		maxAge := cmp.Or(o.cfg.LiveTailMax, defaultTailMaxAge)
		tctx, cancel := context.WithTimeout(ctx, maxAge)
		defer cancel()
		defer context.AfterFunc(o.cfg.Closed, cancel)()
		err := o.b.Reader.Tail(tctx, q, func(u logsearch.TailUpdate) error {
			var out liveTailUpdate
			out.SessionMetadata.Sampled = u.Sampled
			out.SessionResults = make([]liveTailEvent, len(u.Events))
			for i, e := range u.Events {
				out.SessionResults[i] = liveTailEvent{LogStreamName: e.Stream, LogGroupIdentifier: ids[e.Group],
					Message: e.Message, Timestamp: e.TimeNano / 1e6, IngestionTime: e.ObservedNano / 1e6}
			}
			return w.Event("sessionUpdate", out)
		})
		switch {
		case ctx.Err() != nil:
			return nil // the client went
		case err != nil:
			_ = w.Exception("SessionStreamingException", "the session failed: "+err.Error())
			return err
		case o.cfg.Closed.Err() != nil:
			return w.Exception("SessionStreamingException", "the server is shutting down")
		case errors.Is(tctx.Err(), context.DeadlineExceeded):
			return w.Exception("SessionTimeoutException", "the Live Tail session reached its maximum duration of "+maxAge.String())
		}
		return nil
	}, nil
}

// liveTailQuery applies the rules of StartLiveTail the model cannot state
// and returns the tail it asks for, with the identifier each group was
// given by.
func (o *API) liveTailQuery(project string, in liveTailInput) (logsearch.TailQuery, map[string]string, error) {
	q := logsearch.TailQuery{Project: project}
	ids := map[string]string{}
	for _, id := range in.LogGroupIdentifiers {
		name, err := o.b.Groups.Name(nil, &id)
		if err != nil {
			return q, nil, err
		}
		if _, dup := ids[name]; !dup {
			q.Groups = append(q.Groups, name)
		}
		ids[name] = id
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefixes != nil {
		return q, nil, invalidParam("logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.")
	}
	for member, list := range map[string][]string{"logStreamNames": in.LogStreamNames, "logStreamNamePrefixes": in.LogStreamNamePrefixes} {
		if list != nil && len(q.Groups) > 1 {
			return q, nil, invalidParam("%s can be specified only when logGroupIdentifiers names one log group.", member)
		}
	}
	q.Streams, q.StreamPrefixes = in.LogStreamNames, in.LogStreamNamePrefixes
	p, err := cwpattern.Parse(deref(in.LogEventFilterPattern))
	if err != nil {
		return q, nil, invalidParam("Invalid filter pattern: %v", err)
	}
	q.Pattern = p
	return q, ids, nil
}
