package logsearch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"lookout/internal/query/cwpattern"
)

// BenchmarkFilter measures one Filter page of 100 over a group of 200,000
// events of about 100 bytes, for a rare term, a JSON pattern and no
// pattern (the receiver's BenchmarkFilterLogEvents adds the API around it).
func BenchmarkFilter(b *testing.B) {
	e := newEnv(b)
	const total, batch = 200_000, 10_000
	end := time.Now()
	for i := range total / batch {
		evs := make([]event, batch)
		start := end.Add(-time.Duration(total-i*batch) * time.Millisecond)
		for j := range evs {
			level := "INFO"
			if j%1000 == 0 {
				level = "ERROR"
			}
			evs[j] = event{start.Add(time.Duration(j) * time.Millisecond).UnixMilli(),
				fmt.Sprintf(`{"level":"%s","status":%d,"path":"/api/items/%d","ms":%d}`, level, 200+j%5, j, j%300)}
		}
		e.put(b, "bench", "s", evs...)
	}
	for _, c := range []struct{ name, pattern string }{
		{"term", `ERROR`},
		{"json", `{ $.level = "ERROR" && $.status = 200 }`},
		{"none", ``},
	} {
		p, err := cwpattern.Parse(c.pattern)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				page, err := e.svc.Filter(context.Background(), FilterQuery{Project: "p", Group: "bench", Pattern: p,
					Limit: 100, MaxBytes: 1 << 20})
				if err != nil || len(page.Events) == 0 {
					b.Fatalf("%d events, %v", len(page.Events), err)
				}
			}
		})
	}
}
