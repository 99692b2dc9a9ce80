package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"lookout/internal/model"
	"lookout/internal/store"
)

// nodes opens n stores on one fresh database: n pools, as n Lookout nodes
// would have.
func nodes(t *testing.T, n int) []*Store {
	t.Helper()
	url := cluster.Schema(t)
	out := make([]*Store, n)
	for i := range out {
		out[i] = openURL(t, url)
		t.Cleanup(func() { out[i].Close() })
	}
	return out
}

// TestNodesRecordConcurrently: two nodes, several writers each, record
// overlapping batches of the same fingerprints in two projects, some
// occurrences sent to both nodes (a client retrying elsewhere). Each
// fingerprint ends with exactly one item, counters are 1..n in each
// project, each uuid is stored once, and every occurrence is counted once.
func TestNodesRecordConcurrently(t *testing.T) {
	ctx := context.Background()
	ns := nodes(t, 2)
	const (
		writers      = 4 // per node
		batches      = 12
		batchSize    = 8
		fingerprints = 20
	)
	projects := []string{"default", "shop"}
	if _, err := ns[0].CreateProject(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	// Batch k of writer w is the same on both nodes when w is even: those
	// occurrences arrive twice, concurrently.
	batch := func(node, w, k int) []*model.ErrorOccurrence {
		src := node
		if w%2 == 0 {
			src = 0
		}
		occs := make([]*model.ErrorOccurrence, batchSize)
		for j := range occs {
			n := (w*batches+k)*batchSize + j
			p := projects[(n/3)%len(projects)]
			occs[j] = occ(p, fmt.Sprintf("fp-%02d", (n*7+k)%fingerprints), fmt.Sprintf("u-%d-%d", src, n), n)
		}
		return occs
	}
	var mu sync.Mutex
	results := map[string][]store.Recorded{} // project/uuid → every answer
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for node := range ns {
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range batches {
					occs := batch(node, w, k)
					recs, err := ns[node].RecordOccurrences(ctx, occs, observe)
					if err != nil {
						errs <- fmt.Errorf("node %d writer %d batch %d: %w", node, w, k, err)
						return
					}
					mu.Lock()
					for i, r := range recs {
						key := occs[i].Project + "/" + occs[i].UUID
						results[key] = append(results[key], r)
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for key, rs := range results {
		stored := 0
		for _, r := range rs {
			if !r.Duplicate {
				stored++
			}
			if r.OccurrenceID != rs[0].OccurrenceID || r.ItemID != rs[0].ItemID {
				t.Errorf("%s: answers %+v disagree", key, rs)
			}
		}
		if stored != 1 {
			t.Errorf("%s: stored %d times (%+v)", key, stored, rs)
		}
	}
	// Distinct occurrences sent: writers on node 1 with odd w have their own.
	unique := map[string]int{} // project → occurrences
	for node := range ns {
		for w := range writers {
			if node == 1 && w%2 == 0 {
				continue
			}
			for k := range batches {
				for _, o := range batch(node, w, k) {
					unique[o.Project]++
				}
			}
		}
	}
	for _, p := range projects {
		page, err := ns[1].Items(ctx, store.ItemQuery{Project: p, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var counters []int64
		fps := map[string]bool{}
		var total int64
		for _, it := range page.Items {
			if fps[it.Fingerprint] {
				t.Errorf("%s: two items of fingerprint %s", p, it.Fingerprint)
			}
			fps[it.Fingerprint] = true
			counters = append(counters, it.Counter)
			total += it.TotalOccurrences
			occs, err := ns[0].Occurrences(ctx, p, it.ID, 0, 10000)
			if err != nil || int64(len(occs)) != it.TotalOccurrences {
				t.Errorf("%s item %s: %d occurrences stored (%v), total %d", p, it.Fingerprint, len(occs), err, it.TotalOccurrences)
			}
		}
		slices.Sort(counters)
		for i, c := range counters {
			if c != int64(i+1) {
				t.Errorf("%s: counters %v, want 1..%d without gaps or repeats", p, counters, len(counters))
				break
			}
		}
		if len(page.Items) != fingerprints {
			t.Errorf("%s: %d items, want %d", p, len(page.Items), fingerprints)
		}
		if total != int64(unique[p]) {
			t.Errorf("%s: items count %d occurrences, %d distinct were sent", p, total, unique[p])
		}
	}
}

// TestNodesPutDocumentsConcurrently: upserts and compare-and-swap updates
// of one document from two nodes; each successful put gets its own
// version, a swap from a stale version fails, and none is lost.
func TestNodesPutDocumentsConcurrently(t *testing.T) {
	ctx := context.Background()
	ns := nodes(t, 2)
	const perNode = 4
	const rounds = 10
	var wg sync.WaitGroup
	versions := make(chan int64, 2*perNode*rounds*2)
	errs := make(chan error, 2*perNode)
	for node := range ns {
		for w := range perNode {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range rounds {
					d := store.Document{Project: "p", Kind: "k", Name: "x", Body: []byte(fmt.Sprintf(`{"n":%d,"w":%d,"r":%d}`, node, w, r))}
					got, err := ns[node].PutDocument(ctx, d, store.AnyVersion)
					if err != nil {
						errs <- err
						return
					}
					versions <- got.Version
					// A swap from the version just read succeeds only if no one
					// wrote in between.
					cur, err := ns[node].Document(ctx, "p", "k", "x")
					if err != nil {
						errs <- err
						return
					}
					got, err = ns[node].PutDocument(ctx, d, cur.Version)
					switch {
					case err == nil:
						if got.Version != cur.Version+1 {
							errs <- fmt.Errorf("swap from %d gave version %d", cur.Version, got.Version)
						}
						versions <- got.Version
					case !isConflict(err):
						errs <- err
					}
				}
			}()
		}
	}
	wg.Wait()
	close(versions)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	var n int64
	for v := range versions {
		if seen[v] {
			t.Errorf("version %d given twice", v)
		}
		seen[v] = true
		n++
	}
	if d, err := ns[0].Document(ctx, "p", "k", "x"); err != nil || d.Version != n {
		t.Errorf("final version %d (%v), want %d: one per successful put", d.Version, err, n)
	}
}

func isConflict(err error) bool { return errors.Is(err, store.ErrVersionConflict) }
