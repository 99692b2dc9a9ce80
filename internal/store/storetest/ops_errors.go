package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"lookout/internal/model"
	"lookout/internal/store"
)

// Steps on store.ErrorWriter and store.ErrorReader. Occurrences are
// model.ErrorOccurrence with the trace id in hex; items are model.Item.

type occurrence struct {
	model.ErrorOccurrence
	TraceID traceID
}

func (o occurrence) model() *model.ErrorOccurrence {
	m := o.ErrorOccurrence
	m.TraceID = model.TraceID(o.TraceID)
	return &m
}

func occurrenceOf(m model.ErrorOccurrence) occurrence {
	if len(m.Data) == 0 {
		m.Data = nil
	}
	return occurrence{ErrorOccurrence: m, TraceID: traceID(m.TraceID)}
}

func occurrencesOf(ms []model.ErrorOccurrence) []occurrence {
	out := make([]occurrence, len(ms))
	for i, m := range ms {
		out[i] = occurrenceOf(m)
	}
	return out
}

// observe is the suite's store.ObserveFunc. It sets every field of
// model.Item that errortrack sets from occurrences, so that what the store
// keeps shows whether it applied observe to the right item, and it checks
// what the contract promises observe is given.
func (e *env) observe(failures *[]string) store.ObserveFunc {
	return func(it *model.Item, o *model.ErrorOccurrence) {
		fail := func(format string, args ...any) {
			*failures = append(*failures, fmt.Sprintf("observe of occurrence %q: ", o.UUID)+fmt.Sprintf(format, args...))
		}
		if o.ID == 0 {
			fail("the occurrence has no ID yet")
		}
		if it.FirstOccurrenceID == 0 { // the occurrence opens the item
			if it.ID == 0 || it.Counter == 0 || it.TotalOccurrences != 0 {
				fail("a new item must come with an ID and a Counter and nothing observed: %+v", *it)
			}
			it.Project, it.Fingerprint = o.Project, o.Fingerprint
			it.FirstOccurrenceID, it.FirstSeen = o.ID, o.Timestamp
			it.Environment, it.Status = o.Environment, model.StatusActive
			it.Platform, it.Framework = o.Platform, o.Framework
			it.ActivatingOccurrenceID, it.LastActivated = o.ID, o.Received
		} else if it.Project != o.Project || it.Fingerprint != o.Fingerprint {
			fail("given item %d of (%q, %q)", it.ID, it.Project, it.Fingerprint)
		}
		it.TotalOccurrences++
		it.LastOccurrenceID = o.ID
		if o.Timestamp.After(it.LastSeen) {
			it.LastSeen = o.Timestamp
		}
		if !it.TitleLock {
			it.Title = o.Title
		}
		if !it.LevelLock && o.Level > it.Level {
			it.Level = o.Level
		}
		if !slices.Contains(it.Environments, o.Environment) {
			it.Environments = append(it.Environments, o.Environment)
		}
		it.NotifierLevel = o.NotifierLevel
	}
}

func init() {
	register(map[string]op{
		// RecordOccurrences records with the suite's observe (above).
		"RecordOccurrences": metaOp(func(e *env, in struct{ Occurrences []occurrence }) (any, error) {
			occs := make([]*model.ErrorOccurrence, len(in.Occurrences))
			for i, o := range in.Occurrences {
				occs[i] = o.model()
			}
			var failures []string
			recs, err := e.meta.RecordOccurrences(e.ctx, occs, e.observe(&failures))
			if len(failures) > 0 {
				return nil, errors.New(joinLines(failures))
			}
			if err == nil && len(recs) != len(occs) {
				return nil, fmt.Errorf("%d results for %d occurrences", len(recs), len(occs))
			}
			return recs, err
		}),
		// RecordOccurrencesInterrupted records with the suite's observe and
		// cancels the call's context during the CancelAt-th observe. The
		// store must commit all or nothing: the step answers "committed" or
		// "rolled back" once it has checked that the batch's projects show
		// exactly that.
		"RecordOccurrencesInterrupted": metaOp(func(e *env, in struct {
			Occurrences []occurrence
			CancelAt    int
		}) (any, error) {
			occs := make([]*model.ErrorOccurrence, len(in.Occurrences))
			for i, o := range in.Occurrences {
				occs[i] = o.model()
			}
			before, err := e.errorSnapshot(occs)
			if err != nil {
				return nil, err
			}
			ctx, cancel := context.WithCancel(e.ctx)
			defer cancel()
			var failures []string
			observe, calls := e.observe(&failures), 0
			recs, err := e.meta.RecordOccurrences(ctx, occs, func(it *model.Item, o *model.ErrorOccurrence) {
				if calls++; calls == in.CancelAt {
					cancel()
				}
				observe(it, o)
			})
			if len(failures) > 0 {
				return nil, errors.New(joinLines(failures))
			}
			after, serr := e.errorSnapshot(occs)
			if serr != nil {
				return nil, serr
			}
			if err != nil {
				if after != before {
					return nil, fmt.Errorf("the call failed (%v) but changed what is stored:\n before %s\n  after %s", err, before, after)
				}
				return "rolled back", nil
			}
			for i, r := range recs {
				if _, err := e.meta.Occurrence(e.ctx, occs[i].Project, r.OccurrenceID); err != nil {
					return nil, fmt.Errorf("the call succeeded but occurrence %d is not stored: %w", i, err)
				}
			}
			return "committed", nil
		}),
		// UpdateItem's edit overwrites the fields of Set (decoded onto the
		// item); with Fail it then returns the case's edit error instead.
		"UpdateItem": metaOp(func(e *env, in struct {
			Project string
			ID      int64
			Set     json.RawMessage
			Fail    bool
		}) (any, error) {
			return e.meta.UpdateItem(e.ctx, in.Project, in.ID, func(it *model.Item) error {
				if in.Set != nil {
					if err := decodeStrict(in.Set, it); err != nil {
						return fmt.Errorf("edit: %w", err)
					}
				}
				if in.Fail {
					return e.editErr
				}
				return nil
			})
		}),
		"DeleteOccurrencesBefore": metaOp(func(e *env, in struct{ Before time.Time }) (any, error) {
			return e.meta.DeleteOccurrencesBefore(e.ctx, in.Before)
		}),
		"Items": metaOp(func(e *env, q store.ItemQuery) (any, error) {
			return e.meta.Items(e.ctx, q)
		}),
		"Item": metaOp(func(e *env, in struct {
			Project string
			ID      int64
		}) (any, error) {
			return e.meta.Item(e.ctx, in.Project, in.ID)
		}),
		"ItemByCounter": metaOp(func(e *env, in struct {
			Project string
			Counter int64
		}) (any, error) {
			return e.meta.ItemByCounter(e.ctx, in.Project, in.Counter)
		}),
		"Occurrences": metaOp(func(e *env, in struct {
			Project       string
			ItemID        int64
			Offset, Limit int
		}) (any, error) {
			occs, err := e.meta.Occurrences(e.ctx, in.Project, in.ItemID, in.Offset, in.Limit)
			return occurrencesOf(occs), err
		}),
		"Occurrence": metaOp(func(e *env, in struct {
			Project string
			ID      int64
		}) (any, error) {
			o, err := e.meta.Occurrence(e.ctx, in.Project, in.ID)
			return occurrenceOf(o), err
		}),
		"OccurrencesByTrace": metaOp(func(e *env, in struct {
			Project string
			TraceID traceID
			Limit   int
		}) (any, error) {
			occs, err := e.meta.OccurrencesByTrace(e.ctx, in.Project, model.TraceID(in.TraceID), in.Limit)
			return occurrencesOf(occs), err
		}),
		"RecentCounts": metaOp(func(e *env, in struct {
			Project string
			IDs     []int64
			Since   []time.Time
		}) (any, error) {
			return e.meta.RecentCounts(e.ctx, in.Project, in.IDs, in.Since)
		}),
	})
}

// errorSnapshot renders what the store holds for the projects and traces
// of occs: every item page, each item's occurrences and the occurrences of
// each trace.
func (e *env) errorSnapshot(occs []*model.ErrorOccurrence) (string, error) {
	type traceKey struct {
		project string
		trace   model.TraceID
	}
	var projects []string
	var traces []traceKey
	for _, o := range occs {
		if !slices.Contains(projects, o.Project) {
			projects = append(projects, o.Project)
		}
		if k := (traceKey{o.Project, o.TraceID}); !o.TraceID.IsZero() && !slices.Contains(traces, k) {
			traces = append(traces, k)
		}
	}
	var snap []any
	for _, p := range projects {
		page, err := e.meta.Items(e.ctx, store.ItemQuery{Project: p, Limit: 1000})
		if err != nil {
			return "", err
		}
		snap = append(snap, page)
		for _, it := range page.Items {
			os, err := e.meta.Occurrences(e.ctx, p, it.ID, 0, 1000)
			if err != nil {
				return "", err
			}
			snap = append(snap, occurrencesOf(os))
		}
	}
	for _, k := range traces {
		os, err := e.meta.OccurrencesByTrace(e.ctx, k.project, k.trace, 1000)
		if err != nil {
			return "", err
		}
		snap = append(snap, occurrencesOf(os))
	}
	b, err := json.Marshal(snap)
	return string(b), err
}
