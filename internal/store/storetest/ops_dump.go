package storetest

import (
	"encoding/json"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Steps on store.Dumper, store.MetaDumper and store.QuotaStore.

// dumpWindow is the input of the Dump steps; with StopAfter a step stops
// the iteration after that many items.
type dumpWindow struct {
	Start, End time.Time
	StopAfter  int
}

// drain collects a dump, converted by conv, stopping after stop items
// (0: none).
func drain[T, O any](seq func(yield func(T, error) bool), stop int, conv func(T) O) ([]O, error) {
	out := []O{}
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, conv(v))
		if len(out) == stop {
			break
		}
	}
	return out, nil
}

// quotaState writes a quota state as a JSON string; null is none.
func quotaState(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

func init() {
	register(map[string]op{
		"DumpSpans": telemetryOp(func(e *env, in dumpWindow) (any, error) {
			return drain(e.tel.DumpSpans(e.ctx, in.Start, in.End), in.StopAfter,
				func(s model.Span) spanIn { return spansOf([]model.Span{s})[0] })
		}),
		"DumpLogs": telemetryOp(func(e *env, in dumpWindow) (any, error) {
			return drain(e.tel.DumpLogs(e.ctx, in.Start, in.End), in.StopAfter, func(l model.LogEvent) logEvent {
				return logEvent{LogEvent: l, TraceID: traceID(l.TraceID), SpanID: spanID(l.SpanID)}
			})
		}),
		"DumpMetricPoints": telemetryOp(func(e *env, in dumpWindow) (any, error) {
			return drain(e.tel.DumpMetricPoints(e.ctx, in.Start, in.End), in.StopAfter, metricPointOf)
		}),
		"ProjectNames": metaOp(func(e *env, _ struct{}) (any, error) {
			return e.meta.ProjectNames(e.ctx)
		}),
		"Tokens": metaOp(func(e *env, in projectName) (any, error) {
			return e.meta.Tokens(e.ctx, in.Name)
		}),
		"AllDocuments": metaOp(func(e *env, in projectName) (any, error) {
			ds, err := e.meta.AllDocuments(e.ctx, in.Name)
			if err != nil {
				return nil, err
			}
			out := make([]document, len(ds))
			for i, d := range ds {
				if out[i], err = documentOf(d); err != nil {
					return nil, err
				}
			}
			return out, nil
		}),
		"ImportItem": metaOp(func(e *env, it model.Item) (any, error) {
			return e.meta.ImportItem(e.ctx, it)
		}),
		// UpdateQuota answers the state the change was given and stores
		// Put (null: deletes); with Fail the change fails instead.
		"UpdateQuota": metaOp(func(e *env, in struct {
			Key  store.QuotaKey
			TTL  duration
			Put  *string
			Fail bool
		}) (any, error) {
			var old *string
			err := e.meta.UpdateQuota(e.ctx, in.Key, time.Duration(in.TTL), func(state []byte) ([]byte, error) {
				old = quotaState(state)
				if in.Fail {
					return nil, e.editErr
				}
				if in.Put == nil {
					return nil, nil
				}
				return []byte(*in.Put), nil
			})
			if err != nil {
				return nil, err
			}
			return json.RawMessage(mustJSON(old)), nil
		}),
		"Quota": metaOp(func(e *env, in struct{ Key store.QuotaKey }) (any, error) {
			state, err := e.meta.Quota(e.ctx, in.Key)
			if err != nil {
				return nil, err
			}
			return json.RawMessage(mustJSON(quotaState(state))), nil
		}),
	})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
