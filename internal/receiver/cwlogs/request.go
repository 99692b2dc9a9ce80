package cwlogs

import (
	"context"
	"errors"

	"lookout/internal/receiver/awsjson"
	"lookout/internal/store"
)

// namesGroup is a request input that names one log group (by
// logGroupName, or by logGroupName or logGroupIdentifier, as the operation
// takes it: see groupName); namesStream one stream of it (logStreamName).
type (
	namesGroup  interface{ group() (string, error) }
	namesStream interface {
		namesGroup
		stream() *string
	}
)

// decodeGroup decodes body into a T and returns it with the log group it
// names, checked: the first two steps of every operation on a group.
func decodeGroup[T any, PT interface {
	*T
	namesGroup
}](body []byte) (T, string, error) {
	var in T
	if err := awsjson.Decode(body, &in); err != nil {
		return in, "", err
	}
	name, err := PT(&in).group()
	return in, name, err
}

// decodeStream is decodeGroup for operations on a stream: it also returns
// the stream, checked.
func decodeStream[T any, PT interface {
	*T
	namesStream
}](body []byte) (in T, group, stream string, err error) {
	if in, group, err = decodeGroup[T, PT](body); err != nil {
		return in, "", "", err
	}
	name := PT(&in).stream()
	if name == nil {
		return in, "", "", nullValue("logStreamName")
	}
	return in, group, *name, nil
}

// limitOr returns an optional page size (its range is the model's), or def
// when it is unset.
func limitOr(limit *int32, def int) int {
	if limit == nil {
		return def
	}
	return int(*limit)
}

// timeRange converts optional [start, end) epoch milliseconds to nanoseconds
// (0: unbounded).
func timeRange(start, end *int64) (int64, int64, error) {
	var s, e int64
	if start != nil { // not negative: the model's rule
		s = *start * 1e6
	}
	if end != nil {
		e = *end * 1e6
	}
	if start != nil && end != nil && *start > *end {
		return 0, 0, invalidParam("startTime must be less than or equal to endTime")
	}
	return s, e, nil
}

// logGroup fetches a group of the caller's project, answering with the
// service's ResourceNotFoundException when it does not exist.
func (h *Handler) logGroup(ctx context.Context, c awsjson.Caller, name string) (store.LogGroup, error) {
	g, err := h.b.Meta.LogGroup(ctx, c.Project, name)
	return g, groupErr(err)
}

// requireStream checks that the group and the stream exist, answering with
// the service's ResourceNotFoundException for the missing one.
func (h *Handler) requireStream(ctx context.Context, c awsjson.Caller, group, stream string) error {
	if _, err := h.b.Meta.LogStream(ctx, c.Project, group, stream); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, err := h.logGroup(ctx, c, group); err != nil {
		return err
	}
	return errStreamNotFound
}

// groupErr and streamErr turn store.ErrNotFound into the service's errors.
func groupErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errGroupNotFound
	}
	return err
}

func streamErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errStreamNotFound
	}
	return err
}
