package storetest

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// The data-file cases: every testdata/*.json file holds cases; a case is a
// list of steps run in order on a fresh store, each step one call of the
// store contract with its input, and the answer or error it must give.
//
//	{
//	  "doc": "what the file covers",
//	  "store": "meta" | "telemetry",
//	  "requires": ["reopen"],          // capabilities every case needs
//	  "let": {"name": value, ...},     // constants, "$name" in steps
//	  "setup": [step, ...],            // run at the start of every case
//	  "cases": [{"name": "...", "doc": "...", "requires": [...], "steps": [step, ...]}]
//	}
//
// A step is {"op": "ListLogGroups", "in": {...}, "want": ..., "err": "ErrNotFound",
// "pluck": "Name", "name": "label"}. "in" is decoded strictly into the
// operation's input (ops*.go name them); "want" is matched against the
// answer as described in data_match.go; "err" names the error the call must
// return (errorNames) and then "want" is not checked. Strings in "in" and
// "want" may be macros (data_expand.go): "$x" a value captured earlier,
// "ns:T0+1s" / "ms:T0+1s" / "time:T0+1s" a fixture time.

//go:embed testdata/*.json
var dataFiles embed.FS

type dataFile struct {
	Doc      string                     `json:"doc"`
	Store    string                     `json:"store"`
	Requires []string                   `json:"requires"`
	Let      map[string]json.RawMessage `json:"let"`
	Setup    []step                     `json:"setup"`
	Cases    []dataCase                 `json:"cases"`
}

type dataCase struct {
	Name     string   `json:"name"`
	Doc      string   `json:"doc"`
	Requires []string `json:"requires"`
	Steps    []step   `json:"steps"`
}

type step struct {
	Name  string          `json:"name"`
	Op    string          `json:"op"`
	In    json.RawMessage `json:"in"`
	Want  json.RawMessage `json:"want"`
	Err   string          `json:"err"`
	Pluck json.RawMessage `json:"pluck"`
}

// label names the step in failure messages.
func (s step) label(i int) string {
	if s.Name != "" {
		return fmt.Sprintf("step %d %s (%s)", i, s.Op, s.Name)
	}
	return fmt.Sprintf("step %d %s", i, s.Op)
}

// loadDataFiles reads and checks every data file, by file name.
func loadDataFiles(t *testing.T) map[string]dataFile {
	t.Helper()
	names, err := fs.Glob(dataFiles, "testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]dataFile{}
	for _, name := range names {
		raw, err := dataFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var f dataFile
		if err := decodeStrict(raw, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := f.check(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[strings.TrimSuffix(path.Base(name), ".json")] = f
	}
	return out
}

// check rejects files the runner would misread.
func (f dataFile) check() error {
	if f.Store != storeMeta && f.Store != storeTelemetry {
		return fmt.Errorf("store %q: want %q or %q", f.Store, storeMeta, storeTelemetry)
	}
	if len(f.Cases) == 0 {
		return fmt.Errorf("no cases")
	}
	seen := map[string]bool{}
	for _, c := range f.Cases {
		if c.Name == "" || seen[c.Name] {
			return fmt.Errorf("case name %q is empty or repeated", c.Name)
		}
		seen[c.Name] = true
		for _, r := range append(f.Requires, c.Requires...) {
			if _, ok := capabilityNames[r]; !ok {
				return fmt.Errorf("case %q requires unknown capability %q", c.Name, r)
			}
		}
		for i, s := range append(f.Setup, c.Steps...) {
			if _, ok := ops[s.Op]; !ok {
				return fmt.Errorf("case %q step %d: unknown op %q", c.Name, i, s.Op)
			}
			if s.Err != "" && s.Want != nil {
				return fmt.Errorf("case %q step %d: both err and want", c.Name, i)
			}
			if _, ok := errorNames[s.Err]; s.Err != "" && !ok && s.Err != errEdit {
				return fmt.Errorf("case %q step %d: unknown err %q", c.Name, i, s.Err)
			}
			if o := ops[s.Op]; o.store != "" && o.store != f.Store {
				return fmt.Errorf("case %q step %d: op %s needs a %s store", c.Name, i, s.Op, o.store)
			}
		}
	}
	return nil
}

// runDataFiles runs the cases of every data file for the store kind.
func runDataFiles(t *testing.T, b Backend, kind string) {
	files := loadDataFiles(t)
	for _, name := range sortedKeys(files) {
		f := files[name]
		if f.Store != kind {
			continue
		}
		t.Run(name, func(t *testing.T) {
			for _, c := range f.Cases {
				t.Run(c.Name, func(t *testing.T) {
					for _, r := range append(f.Requires, c.Requires...) {
						if reason := b.lacks(r); reason != "" {
							t.Skip(reason)
						}
					}
					e := newEnv(t, b, kind)
					e.let(f.Let)
					for i, s := range append(f.Setup, c.Steps...) {
						e.runStep(i, s)
					}
				})
			}
		})
	}
}

func decodeStrict(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
