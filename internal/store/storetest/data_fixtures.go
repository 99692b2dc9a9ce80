package storetest

import (
	"encoding/json"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
)

// The Go cases that need a data file's data read it from the file, so that
// each fixture is written once.

// fileEnv loads a data file and binds its constants.
func fileEnv(t *testing.T, file string) (*env, dataFile) {
	t.Helper()
	f, ok := loadDataFiles(t)[file]
	if !ok {
		t.Fatalf("no data file %q", file)
	}
	e := &env{t: t, vars: map[string]any{}}
	e.let(f.Let)
	return e, f
}

// fileBatch is everything the setup of a data file writes, as one batch.
func fileBatch(t *testing.T, file string) *model.Batch {
	t.Helper()
	e, f := fileEnv(t, file)
	b := &model.Batch{}
	for _, s := range f.Setup {
		if s.Op != "Write" {
			continue
		}
		raw, err := e.expand(s.In, false)
		if err != nil {
			t.Fatalf("%s setup: %v", file, err)
		}
		var in struct {
			Spans   []spanIn
			Logs    []logEvent
			Metrics []metricPoint
		}
		if err := decodeStrict(raw, &in); err != nil {
			t.Fatalf("%s setup: %v", file, err)
		}
		for _, sp := range in.Spans {
			b.Spans = append(b.Spans, sp.model())
		}
		for _, l := range in.Logs {
			b.Logs = append(b.Logs, l.model())
		}
		for _, m := range in.Metrics {
			b.Metrics = append(b.Metrics, m.model())
		}
	}
	return b
}

// fileConst decodes the constant name of a data file into v.
func fileConst(t *testing.T, file, name string, v any) {
	t.Helper()
	e, _ := fileEnv(t, file)
	c, ok := e.vars[name]
	if !ok {
		t.Fatalf("data file %q has no constant %q", file, name)
	}
	raw, err := json.Marshal(c)
	if err == nil {
		err = decodeStrict(raw, v)
	}
	if err != nil {
		t.Fatalf("%s: %s: %v", file, name, err)
	}
}

func fileSpan(t *testing.T, file, name string) model.Span {
	t.Helper()
	var s spanIn
	fileConst(t, file, name, &s)
	return s.model()
}

func fileLog(t *testing.T, file, name string) model.LogEvent {
	t.Helper()
	var l logEvent
	fileConst(t, file, name, &l)
	return l.model()
}

func fileSummary(t *testing.T, file, name string) store.TraceSummary {
	t.Helper()
	var s traceSummary
	fileConst(t, file, name, &s)
	s.TraceSummary.TraceID = model.TraceID(s.TraceID)
	return s.TraceSummary
}
