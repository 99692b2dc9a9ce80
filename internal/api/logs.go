package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"lookout/internal/model"
	"lookout/internal/store"
)

// defaultLogLimit is the number of log events a query returns by default.
const defaultLogLimit = 100

// logJSON is one log event of GET /api/logs. Times are nanosecond strings
// (as in OTLP/JSON), body is the plain JSON value (see appendValue),
// attributes and resource are objects; ids, event name and CloudWatch
// group and stream are left out when empty.
type logJSON struct {
	TimeUnixNano         string          `json:"timeUnixNano"`
	ObservedTimeUnixNano string          `json:"observedTimeUnixNano"`
	SeverityNumber       int32           `json:"severityNumber"`
	SeverityText         string          `json:"severityText"`
	Body                 json.RawMessage `json:"body"`
	EventName            string          `json:"eventName,omitempty"`
	Attributes           json.RawMessage `json:"attributes"`
	TraceID              string          `json:"traceID,omitempty"`
	SpanID               string          `json:"spanID,omitempty"`
	Service              string          `json:"service"`
	LogGroup             string          `json:"logGroup,omitempty"`
	LogStream            string          `json:"logStream,omitempty"`
	Resource             json.RawMessage `json:"resource"`
}

func toLogJSON(l *model.LogEvent) logJSON {
	j := logJSON{
		TimeUnixNano:         strconv.FormatInt(l.TimeUnixNano, 10),
		ObservedTimeUnixNano: strconv.FormatInt(l.ObservedTimeUnixNano, 10),
		SeverityNumber:       l.SeverityNumber,
		SeverityText:         l.SeverityText,
		Body:                 valueJSON(l.Body),
		EventName:            l.EventName,
		Attributes:           attrsJSON(l.Attributes),
		Service:              l.Service(),
		LogGroup:             l.LogGroup,
		LogStream:            l.LogStream,
		Resource:             attrsJSON(l.Resource.Attributes),
	}
	if !l.TraceID.IsZero() {
		j.TraceID = l.TraceID.String()
	}
	if !l.SpanID.IsZero() {
		j.SpanID = l.SpanID.String()
	}
	return j
}

// logQuery reads the parameters of GET /api/logs: start, end (see
// parseTime; default the last DefaultSearchWindow, or all time when traceID
// is given without either), service (exact), logGroup and logStream
// (CloudWatch Logs, exact), severity (minimum, number or name), traceID, q (case-insensitive substring of the body), limit
// (default 100) and order (asc or desc, default desc: newest first).
func (a *API) logQuery(r *http.Request) (store.LogQuery, error) {
	q := r.URL.Query()
	lq := store.LogQuery{Project: a.project(r), Service: q.Get("service"), Text: q.Get("q"),
		LogGroup: q.Get("logGroup"), LogStream: q.Get("logStream")}
	var err error
	if s := q.Get("traceID"); s != "" {
		if lq.TraceID, err = parseTraceID(s); err != nil {
			return lq, badRequest("traceID", err)
		}
	}
	if lq.Start, lq.End, err = a.window(q, !lq.TraceID.IsZero()); err != nil {
		return lq, err
	}
	if lq.MinSeverity, err = parseSeverity(q.Get("severity")); err != nil {
		return lq, badRequest("severity", err)
	}
	if lq.Limit, err = a.limit(q, defaultLogLimit); err != nil {
		return lq, err
	}
	if lq.Descending, err = parseOrder(q.Get("order")); err != nil {
		return lq, badRequest("order", err)
	}
	return lq, nil
}

// logs answers GET /api/logs with {"logs":[...]} (see logJSON and
// logQuery). Events are written as the store yields them, one at a time,
// so a large result never sits in memory. A store failure before the first
// event gets an error status; one after it, when the 200 is already sent,
// ends the list and adds "error" to the object, so a client can tell the
// result is cut short.
func (a *API) logs(w http.ResponseWriter, r *http.Request) error {
	lq, err := a.logQuery(r)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	started := false
	begin := func() {
		w.Header().Set("Content-Type", contentTypeJSON)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"logs":[`))
		started = true
	}
	n := 0
	for l, err := range a.cfg.Logs.Logs(r.Context(), lq) {
		if err != nil {
			if !started {
				return storeError(err)
			}
			a.log.Warn("log stream cut short", "query", r.URL.RawQuery, "sent", n, "err", err)
			_, _ = fmt.Fprintf(w, "],\"error\":%s}\n", appendString(nil, storeError(err).Error()))
			return nil
		}
		if !started {
			begin()
		} else {
			_, _ = w.Write([]byte{','})
		}
		if err := enc.Encode(toLogJSON(&l)); err != nil {
			// The client went away (the encoder's own values cannot fail).
			a.log.Debug("log stream stopped", "sent", n, "err", err)
			return nil
		}
		n++
	}
	if !started {
		begin()
	}
	_, _ = w.Write([]byte("]}\n"))
	return nil
}
