package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// stateFile, in the data directory, remembers what a load run stored so that
// -query-only runs can query it again. It is left out of disk figures.
const stateFile = "otlpload.json"

type state struct {
	Created       time.Time `json:"created"`
	Command       string    `json:"command"`
	AckedSpans    int64     `json:"ackedSpans"`
	SpansPerTrace int       `json:"spansPerTrace"`
	Start         time.Time `json:"start"`    // earliest possible trace start
	End           time.Time `json:"end"`      // latest possible trace start
	TraceIDs      []string  `json:"traceIDs"` // a random sample of complete, acknowledged traces
}

// sampleIDs returns up to n ids chosen at random.
func sampleIDs(ids []trace.TraceID, n int, seed uint64) []trace.TraceID {
	s := append([]trace.TraceID(nil), ids...)
	rng := rand.New(rand.NewPCG(seed, 11))
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s[:min(n, len(s))]
}

func saveState(dir string, st state, ids []trace.TraceID) error {
	for _, id := range ids {
		st.TraceIDs = append(st.TraceIDs, id.String())
	}
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, stateFile), b, 0o644)
}

func loadState(dir string) (state, []trace.TraceID, error) {
	var st state
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return st, nil, fmt.Errorf("%w (run a load into this -data-dir first)", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, nil, fmt.Errorf("%s: %w", stateFile, err)
	}
	ids := make([]trace.TraceID, 0, len(st.TraceIDs))
	for _, s := range st.TraceIDs {
		id, err := trace.TraceIDFromHex(s)
		if err != nil {
			return st, nil, fmt.Errorf("%s: %w", stateFile, err)
		}
		ids = append(ids, id)
	}
	return st, ids, nil
}
