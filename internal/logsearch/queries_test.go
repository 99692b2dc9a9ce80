package logsearch

import (
	"context"
	"errors"
	"iter"
	"testing"
	"time"

	"lookout/internal/query/insights"
	"lookout/internal/store"
)

// blockingEvents yields one event, then blocks until the query is cancelled.
type blockingEvents struct{ store.LogGroupEvents }

func (blockingEvents) GroupEvents(ctx context.Context, q store.GroupEventQuery) iter.Seq2[store.GroupEvent, error] {
	return func(yield func(store.GroupEvent, error) bool) {
		if !yield(store.GroupEvent{Message: "x"}, nil) {
			return
		}
		<-ctx.Done()
		yield(store.GroupEvent{}, ctx.Err())
	}
}

func waitStatus(t *testing.T, s *Service, id string, want Status) {
	t.Helper()
	for range 200 {
		out, err := s.QueryResults("p", id)
		if err != nil {
			t.Fatal(err)
		}
		if out.Status == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("query %s never became %s", id, want)
}

func TestQueryRegistryLifecycle(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Account = "1"
	cfg.Queries.Running, cfg.Queries.Active, cfg.Queries.Budget = 1, 2, 300*time.Millisecond
	m, err := New(cfg, blockingEvents{}, struct{ store.LogGroups }{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	q, err := insights.Parse("stats count(*)")
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Project: "p", Query: q, Groups: []string{"g"}}
	a, _ := m.StartQuery(job)
	waitStatus(t, m, a, Running)
	b, _ := m.StartQuery(job) // waits for the only slot
	waitStatus(t, m, b, Scheduled)
	if _, err := m.StartQuery(job); !errors.Is(err, ErrTooManyQueries) {
		t.Fatalf("third query: %v", err)
	}
	if ok, err := m.StopQuery("p", a); err != nil || !ok {
		t.Fatalf("StopQuery = %v, %v", ok, err)
	}
	waitStatus(t, m, a, Cancelled)
	waitStatus(t, m, b, Timeout) // b ran into its budget
	if ok, _ := m.StopQuery("p", a); ok {
		t.Error("StopQuery of a finished query succeeded")
	}
	if _, err := m.QueryResults("other", a); err == nil {
		t.Error("another project sees the query")
	}
	for _, s := range m.queries.queries {
		<-s.done
	}
	// Finished queries are forgotten after KeepFor.
	m.queries.now = func() time.Time { return time.Now().Add(time.Hour) }
	if _, err := m.QueryResults("p", a); err == nil {
		t.Error("query kept past KeepFor")
	}
}

// TestCloseStopsQueries checks that Close ends the unfinished queries as
// Cancelled, waits for them and refuses new ones.
func TestCloseStopsQueries(t *testing.T) {
	m, err := New(DefaultConfig(), blockingEvents{}, struct{ store.LogGroups }{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := insights.Parse("limit 5")
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Project: "p", Text: "limit 5", Query: q, Groups: []string{"g"}}
	a, _ := m.StartQuery(job)
	waitStatus(t, m, a, Running)
	m.Close()
	if r, err := m.QueryResults("p", a); err != nil || r.Status != Cancelled {
		t.Errorf("after Close: %+v, %v", r, err)
	}
	if got := m.Queries(QueryList{Project: "p", Status: Cancelled}); len(got) != 1 || got[0].ID != a || got[0].Text != "limit 5" {
		t.Errorf("Queries = %+v", got)
	}
	if _, err := m.StartQuery(job); !errors.Is(err, ErrClosed) {
		t.Errorf("StartQuery after Close: %v", err)
	}
}
