package rollbar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"lookout/internal/errortrack"
	"lookout/internal/model"
	"lookout/internal/pipeline"
	"lookout/internal/store"
)

// recordingIngest records what it is handed and answers with err.
type recordingIngest struct {
	mu   sync.Mutex
	occs []*model.ErrorOccurrence
	evs  []errortrack.Event
	err  error
}

func (f *recordingIngest) Record(_ context.Context, occ *model.ErrorOccurrence, ev errortrack.Event) (store.Recorded, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return store.Recorded{}, f.err
	}
	f.occs, f.evs = append(f.occs, occ), append(f.evs, ev)
	return store.Recorded{OccurrenceID: 1, ItemID: 1}, nil
}

func (f *recordingIngest) Capacity() int { return 7 }

type noEdits struct{}

func (noEdits) PatchItem(context.Context, string, int64, errortrack.Patch) (model.Item, error) {
	return model.Item{}, errors.New("no edits here")
}

// TestPostReplies checks what a report's outcome becomes on the wire.
func TestPostReplies(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		wantCode   int
		wantIn     string
		wantHeader map[string]string
	}{
		{"committed", nil, 200, `"uuid"`, nil},
		{"queue full", pipeline.ErrOverloaded, 429, "rate limit reached",
			map[string]string{"X-Rate-Limit-Limit": "7", "X-Rate-Limit-Remaining": "0", "Retry-After": "1"}},
		{"shutting down", pipeline.ErrClosed, 503, "shutting down", map[string]string{"Retry-After": "1"}},
		{"commit failed", pipeline.Retryable(errors.New("disk full")), 503, "storing the occurrence failed, retry later: disk full",
			map[string]string{"Retry-After": "1"}},
		{"disk low", pipeline.Retryable(fmt.Errorf("%w: 1 MiB free", pipeline.ErrNoSpace)), 503, "not enough free disk space",
			map[string]string{"Retry-After": "1"}},
		{"store bug", errors.New("bad column"), 500, "storing the occurrence failed: bad column", nil},
	}
	e := newEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &recordingIngest{err: c.err}
			cfg := DefaultConfig()
			cfg.Logger = slog.New(slog.DiscardHandler)
			r, err := New(cfg, Deps{Ingest: in, Edit: noEdits{}, Items: e.store, Projects: e.store})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(r.Handler())
			defer srv.Close()
			env := &testEnv{r: r, store: e.store, srv: srv}
			code, out, h := env.do(t, "POST", "/api/1/item/", "", readCapture(t, "error_user12.json"))
			if got := mustJSON(t, out); code != c.wantCode || !strings.Contains(got, c.wantIn) {
				t.Errorf("%d %s, want %d with %q", code, got, c.wantCode, c.wantIn)
			}
			for k, v := range c.wantHeader {
				if h.Get(k) != v {
					t.Errorf("%s: %q, want %q", k, h.Get(k), v)
				}
			}
			if c.err != nil {
				return
			}
			if len(in.occs) != 1 || in.occs[0].Project != model.DefaultProject || len(in.evs[0].Traces) != 1 {
				t.Fatalf("recorded %+v with events %+v, want one occurrence of the default project with its trace", in.occs, in.evs)
			}
			if in.occs[0].Fingerprint != "" {
				t.Errorf("fingerprint %q set by the receiver, want it left to errortrack", in.occs[0].Fingerprint)
			}
		})
	}
}
