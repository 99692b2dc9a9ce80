package logsearch

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"lookout/internal/query/cwpattern"
)

// TestFilterPushdownAgreesWithMatch checks that what DuckDB filters before
// Pattern.Match loses no match: Filter must return exactly the messages
// Match accepts, for messages written to trip the SQL translation.
func TestFilterPushdownAgreesWithMatch(t *testing.T) {
	e := newEnv(t)
	msgs := []string{
		`{"status":503,"path":"/login"}`,
		`{"status":"503","path":"/x"}`,
		`{"status":503.0}`,
		`{"status":5.03e2}`,
		`{"status":"0x1F7p0"}`,
		`{"status":"5.03e2"}`,
		`{"status":200,"path":"\/login"}`,
		`{"path":"\u002flogin","status":500}`,
		`{"status":503} trailing text`,
		`  {"status":503}`,
		`{"a":{"b":[{"c":"x"},{"c":"y"}]}}`,
		`{"user id":"bob","it's":"q"}`,
		`{"ok":true,"none":null,"level":"ERROR"}`,
		`{"status":[503]}`,
		`[{"status":503}]`,
		`not json status 503 ERROR`,
		`ERROR Main done`,
		`WARN Deadlock in Main`,
		`ERROR retrying`,
		`{"status":200,"status":503}`,
	}
	t0 := time.Now().Add(-time.Minute).UnixMilli()
	var evs []event
	for i, m := range msgs {
		evs = append(evs, event{t0 + int64(i), m})
	}
	e.put(t, "g", "s", evs...)
	for _, src := range []string{
		`{ $.status = 503 }`,
		`{ $.status = 500 || $.status = 503 }`,
		`{ $.status = 503 && $.path = "/login" }`,
		`{ $.path = "/login" }`,
		`{ $.a.b[1].c = "y" }`,
		`{ $.it's = "q" }`,
		`{ $.level = ERROR && $.ok IS TRUE }`,
		`{ $.status = 5* }`,
		`{ $.status != 503 }`,
		`ERROR -retrying`,
		`?ERROR Main ?WARN Deadlock`,
		`?ERROR ?%Dead.*%`,
		`"in Main"`,
	} {
		p, err := cwpattern.Parse(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		var want []string
		for _, m := range msgs {
			if p.Match(m) {
				want = append(want, m)
			}
		}
		// Without a time range JSON tests run in Go, with a narrow one in DuckDB.
		for _, start := range []int64{0, (t0 - 1000) * 1e6} {
			got := e.filterAll(t, FilterQuery{Project: "p", Group: "g", Pattern: p, StartNano: start,
				Limit: 10_000, MaxBytes: 1 << 20})
			if !slices.Equal(got, want) {
				t.Errorf("%s (start %v):\n got %q\nwant %q", src, start != 0, got, want)
			}
		}
	}
}

func TestNarrow(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	h := int64(time.Hour)
	for _, c := range []struct {
		start, end int64
		want       bool
	}{
		{0, 0, false},
		{now.UnixNano() - 2*h, 0, true},
		{now.UnixNano() - 25*h, 0, false},
		{5 * h, 29 * h, true},
		{5 * h, 30 * h, false},
		{0, 5 * h, false},
	} {
		if got := narrow(c.start, c.end, now); got != c.want {
			t.Errorf("narrow(%d, %d) = %v, want %v", c.start, c.end, got, c.want)
		}
	}
}

// TestFilterWindowed pages a JSON search over days, which DuckDB reads in
// doubling time windows; with no time budget every page ends at a window.
// It changes the service's WindowBudget between searches.
func TestFilterWindowed(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	var want []string
	for day := 5; day >= 1; day-- {
		for i, s := range []string{"a", "b"} {
			ts := now.Add(-time.Duration(day)*24*time.Hour + time.Duration(i)*time.Minute).UnixMilli()
			match := fmt.Sprintf(`{"k":1,"day":%d,"s":"%s"}`, day, s)
			want = append(want, match)
			e.put(t, "w", s, event{ts, match}, event{ts + 1, `{"k":2}`})
		}
	}
	p, err := cwpattern.Parse(`{ $.k = 1 }`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		limit  int
		budget time.Duration
	}{{3, time.Minute}, {10, time.Minute}, {10, 0}} {
		e.svc.cfg.WindowBudget = c.budget
		got := e.filterAll(t, FilterQuery{Project: "p", Group: "w", Pattern: p, Limit: c.limit, MaxBytes: 1 << 20})
		if !slices.Equal(got, want) {
			t.Errorf("limit %d, budget %s:\n got %q\nwant %q", c.limit, c.budget, got, want)
		}
	}
}
