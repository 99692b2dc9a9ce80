package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"lookout/internal/store"
)

const (
	storeMeta      = "meta"
	storeTelemetry = "telemetry"
)

// stepTimeout bounds one step: a call that does not return in time (a
// query that holds what a later call waits for) fails the case.
const stepTimeout = 30 * time.Second

// env is the state of one running case: its store, the values captured by
// its steps and the failures its callbacks saw.
type env struct {
	t     *testing.T
	b     Backend
	kind  string
	dir   string
	tel   store.Store
	meta  store.Meta
	open  bool
	vars  map[string]any
	start time.Time
	// editErr is what an UpdateItem edit returns when told to fail; the
	// store must hand back this very value.
	editErr error
	ctx     context.Context
}

func newEnv(t *testing.T, b Backend, kind string) *env {
	e := &env{t: t, b: b, kind: kind, dir: t.TempDir(), vars: map[string]any{},
		start: time.Now(), editErr: errors.New("edit refused")}
	e.openStore()
	t.Cleanup(e.closeStore)
	return e
}

func (e *env) openStore() {
	e.t.Helper()
	switch e.kind {
	case storeMeta:
		if e.b.OpenMeta == nil {
			e.t.Fatal("backend has no metadata store")
		}
		e.meta = e.b.OpenMeta(e.t, e.dir)
	case storeTelemetry:
		if e.b.Open == nil {
			e.t.Fatal("backend has no telemetry store")
		}
		e.tel = e.b.Open(e.t, e.dir)
	}
	e.open = true
}

func (e *env) closeStore() {
	e.t.Helper()
	if !e.open {
		return
	}
	e.open = false
	var err error
	if e.kind == storeMeta {
		err = e.meta.Close()
	} else {
		err = e.tel.Close()
	}
	if err != nil {
		e.t.Errorf("close: %v", err)
	}
}

// let binds a file's constants, with their macros expanded.
func (e *env) let(consts map[string]json.RawMessage) {
	e.t.Helper()
	for _, name := range sortedKeys(consts) {
		raw, err := e.expand(consts[name], false)
		if err != nil {
			e.t.Fatalf("let %s: %v", name, err)
		}
		v, err := generic(raw)
		if err != nil {
			e.t.Fatalf("let %s: %v", name, err)
		}
		e.vars[name] = v
	}
}

// runStep runs one step and checks its outcome.
func (e *env) runStep(i int, s step) {
	t := e.t
	t.Helper()
	what := s.label(i)
	o := ops[s.Op]
	in := s.In
	if in != nil {
		expanded, err := e.expand(in, false)
		if err != nil {
			t.Fatalf("%s: in: %v", what, err)
		}
		in = expanded
	}
	call, err := o.prepare(e, in)
	if err != nil {
		t.Fatalf("%s: in: %v", what, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), stepTimeout)
	defer cancel()
	e.ctx = ctx
	type outcome struct {
		got any
		err error
	}
	var out outcome
	if o.inline {
		out.got, out.err = call()
	} else {
		// The call runs aside so that one that never returns fails the
		// case instead of hanging the suite.
		done := make(chan outcome, 1)
		go func() {
			got, err := call()
			done <- outcome{got, err}
		}()
		select {
		case out = <-done:
		case <-time.After(stepTimeout + 5*time.Second):
			t.Fatalf("%s: no answer after %v", what, stepTimeout)
		}
	}
	if s.Err != "" {
		if err := e.checkErr(s.Err, out.err); err != nil {
			t.Errorf("%s: %v", what, err)
		}
		return
	}
	if out.err != nil {
		t.Errorf("%s: %v", what, out.err)
		return
	}
	if s.Want == nil {
		return
	}
	got, err := generic(out.got)
	if err != nil {
		t.Fatalf("%s: answer: %v", what, err)
	}
	if s.Pluck != nil {
		if got, err = pluck(got, s.Pluck); err != nil {
			t.Fatalf("%s: pluck: %v", what, err)
		}
	}
	want, err := e.expand(s.Want, true)
	if err != nil {
		t.Fatalf("%s: want: %v", what, err)
	}
	wantVal, err := generic(want)
	if err != nil {
		t.Fatalf("%s: want: %v", what, err)
	}
	m := &matcher{vars: e.vars, bound: map[string]any{}, start: e.start, now: time.Now()}
	m.match("", wantVal, got)
	if len(m.errs) > 0 {
		t.Errorf("%s:\n  %s\n got %s", what, joinLines(m.errs), compact(got))
		return
	}
	maps.Copy(e.vars, m.bound)
}

// errorNames are the sentinel errors a step's "err" names. errEdit names
// the error an UpdateItem edit returned; "any" accepts every error.
var errorNames = map[string]error{
	"ErrNotFound":        store.ErrNotFound,
	"ErrExists":          store.ErrExists,
	"ErrVersionConflict": store.ErrVersionConflict,
	"ErrLimit":           store.ErrLimit,
	"any":                nil,
}

const errEdit = "edit"

// checkErr reports how err differs from the named error. Sentinels must be
// wrapped with the name of the thing (errors.Is, and not the bare value);
// the edit error must come back as is.
func (e *env) checkErr(name string, err error) error {
	if err == nil {
		return fmt.Errorf("no error, want %s", name)
	}
	if name == errEdit {
		if err != e.editErr {
			return fmt.Errorf("error %q (%T), want the edit's own error value", err, err)
		}
		return nil
	}
	want := errorNames[name]
	switch {
	case want == nil:
		return nil
	case !errors.Is(err, want):
		return fmt.Errorf("error %q, want one wrapping store.%s", err, name)
	case err == want:
		return fmt.Errorf("error %q is the bare sentinel; want it wrapped with what was not found or in conflict", err)
	}
	return nil
}

// capabilityNames are the capabilities a case may require; lacks says why
// a backend does not have one.
var capabilityNames = map[string]func(Capabilities) bool{
	"reopen":     func(c Capabilities) bool { return !c.NoReopen },
	"json-match": func(c Capabilities) bool { return !c.NoJSONMatch },
}

func (b Backend) lacks(name string) string {
	if !capabilityNames[name](b.Capabilities) {
		return fmt.Sprintf("backend lacks capability %q", name)
	}
	return ""
}

// reopen closes the store and opens its directory again.
func (e *env) reopen() {
	e.closeStore()
	e.openStore()
}

// generic turns a value into the decoded-JSON form the matcher compares:
// maps, slices, json.Number, strings, booleans and nil.
func generic(v any) (any, error) {
	var raw []byte
	switch v := v.(type) {
	case json.RawMessage:
		raw = v
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	var out any
	if err := decodeNumbers(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	return slices.Sorted(maps.Keys(m))
}
