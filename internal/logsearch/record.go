package logsearch

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lookout/internal/query/insights"
	"lookout/internal/store"
)

// ErrBadPointer is the error of a record pointer this service did not make;
// ErrRecordNotFound of one whose event is gone (expired or deleted).
var (
	ErrBadPointer     = errors.New("logsearch: not a log record pointer")
	ErrRecordNotFound = errors.New("logsearch: log record not found")
)

// eventPtr names an event for @ptr: its group and position.
func eventPtr(group string, p store.EventPosition) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%d", group, p.Stream, p.TimeNano, p.ObservedNano))
}

// readPtr is eventPtr's inverse.
func readPtr(ptr string) (string, store.EventPosition, error) {
	raw, err := base64.RawURLEncoding.DecodeString(ptr)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 4 || parts[0] == "" {
		return "", store.EventPosition{}, ErrBadPointer
	}
	t, err1 := strconv.ParseInt(parts[2], 10, 64)
	o, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return "", store.EventPosition{}, ErrBadPointer
	}
	return parts[0], store.EventPosition{Stream: parts[1], TimeNano: t, ObservedNano: o}, nil
}

// Record reads the event a @ptr of an Insights result names (GetLogRecord).
func (s *Service) Record(ctx context.Context, project, ptr string) (insights.Event, error) {
	group, p, err := readPtr(ptr)
	if err != nil {
		return insights.Event{}, err
	}
	// A stream has few events of the same nanosecond; the observed time
	// tells them apart.
	q := store.GroupEventQuery{Project: project, Group: group, Streams: []string{p.Stream},
		StartNano: p.TimeNano, EndNano: p.TimeNano + 1}
	for e, err := range s.events.GroupEvents(ctx, q) {
		if err != nil {
			return insights.Event{}, err
		}
		if e.ObservedNano == p.ObservedNano {
			return insights.Event{Group: group, Stream: e.Stream, TimeMillis: e.TimeNano / 1e6,
				IngestMillis: e.ObservedNano / 1e6, Message: e.Message, Ptr: ptr}, nil
		}
	}
	return insights.Event{}, ErrRecordNotFound
}
