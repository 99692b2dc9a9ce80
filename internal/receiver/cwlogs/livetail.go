package cwlogs

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"lookout/internal/logsearch"
	"lookout/internal/query/cwpattern"
	"lookout/internal/receiver/awsjson"
	"lookout/internal/receiver/restjson"
)

// Live tail limits of the model and the service.
const (
	maxTailGroups     = 10
	maxTailStreams    = 100
	maxTailPattern    = 1024
	maxIdentifierLen  = 2048
	defaultTailMaxAge = 3 * time.Hour
)

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
func (h *Handler) startLiveTail(ctx context.Context, c awsjson.Caller, body []byte) (awsjson.StreamFunc, error) {
	var in liveTailInput
	if err := awsjson.Decode(body, &in); err != nil {
		return nil, err
	}
	q, ids, err := liveTailQuery(c.Project, in)
	if err != nil {
		return nil, err
	}
	for _, g := range q.Groups {
		if _, err := h.logGroup(ctx, c, g); err != nil {
			return nil, err
		}
	}
	if h.closed.Err() != nil {
		return nil, awsjson.Errorf("ServiceUnavailableException", "the server is shutting down")
	}
	q.Every = h.cfg.LiveTailEvery
	return func(ctx context.Context, w *awsjson.EventWriter) error {
		start := liveTailStart{RequestID: restjson.RequestID(), SessionID: restjson.RequestID(), liveTailInput: in}
		if err := w.Event("sessionStart", start); err != nil {
			return err
		}
		maxAge := cmp.Or(h.cfg.LiveTailMax, defaultTailMaxAge)
		tctx, cancel := context.WithTimeout(ctx, maxAge)
		defer cancel()
		defer context.AfterFunc(h.closed, cancel)()
		err := h.b.Reader.Tail(tctx, q, func(u logsearch.TailUpdate) error {
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
		case h.closed.Err() != nil:
			return w.Exception("SessionStreamingException", "the server is shutting down")
		case errors.Is(tctx.Err(), context.DeadlineExceeded):
			return w.Exception("SessionTimeoutException", "the Live Tail session reached its maximum duration of "+maxAge.String())
		}
		return nil
	}, nil
}

// liveTailQuery validates a StartLiveTail request as the model does and
// returns the tail it asks for, with the identifier each group was given
// by.
func liveTailQuery(project string, in liveTailInput) (logsearch.TailQuery, map[string]string, error) {
	q := logsearch.TailQuery{Project: project}
	if in.LogGroupIdentifiers == nil {
		return q, nil, nullValue("logGroupIdentifiers")
	}
	if n := len(in.LogGroupIdentifiers); n < 1 || n > maxTailGroups {
		return q, nil, badList("logGroupIdentifiers", "Member must have length between 1 and "+strconv.Itoa(maxTailGroups))
	}
	ids := map[string]string{}
	for _, id := range in.LogGroupIdentifiers {
		name, err := tailGroup(id)
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
		if list == nil {
			continue
		}
		if n := len(list); n < 1 || n > maxTailStreams {
			return q, nil, badList(member, "Member must have length between 1 and "+strconv.Itoa(maxTailStreams))
		}
		if len(q.Groups) > 1 {
			return q, nil, invalidParam("%s can be specified only when logGroupIdentifiers names one log group.", member)
		}
		for _, s := range list {
			if err := checkStreamName(member, s); err != nil {
				return q, nil, err
			}
		}
	}
	q.Streams, q.StreamPrefixes = in.LogStreamNames, in.LogStreamNamePrefixes
	pattern := deref(in.LogEventFilterPattern)
	if len(pattern) > maxTailPattern {
		return q, nil, badValue(pattern, "logEventFilterPattern", "Member must have length less than or equal to "+strconv.Itoa(maxTailPattern))
	}
	p, err := cwpattern.Parse(pattern)
	if err != nil {
		return q, nil, invalidParam("Invalid filter pattern: %v", err)
	}
	q.Pattern = p
	return q, ids, nil
}

// tailGroup resolves a log group identifier of StartLiveTail: an ARN (not
// ending in *) or, as Lookout also accepts, a name.
func tailGroup(id string) (string, error) {
	if n := len(id); n < 1 || n > maxIdentifierLen {
		return "", badValue(id, "logGroupIdentifiers", "Member must have length between 1 and "+strconv.Itoa(maxIdentifierLen))
	}
	if strings.HasSuffix(id, "*") {
		return "", invalidParam("Log group identifier %s must be an ARN that does not end with '*'", id)
	}
	name := id
	if n, ok := groupFromArn(id); ok {
		name = n
	}
	return name, checkGroupName("logGroupIdentifiers", name)
}
