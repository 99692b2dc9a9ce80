package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lookout/bench/benchkit"
	"lookout/internal/store"
	"lookout/internal/store/clickhouse"
)

// namedStore is a store the queries run on.
type namedStore struct {
	name string
	st   store.Querier
}

// openCluster starts a private ClickHouse (and PostgreSQL, unused here),
// opens a telemetry store on it and fills it with the n spans fill writes.
// stop closes the store and stops the servers.
func openCluster(ctx context.Context, n int) (store.Store, func(), error) {
	cl, err := benchkit.StartCluster(ctx)
	if err != nil {
		return nil, nil, err
	}
	cfg := clickhouse.DefaultConfig()
	cfg.URL = cl.CH.URL("qbench")
	st, err := clickhouse.Open(ctx, cfg)
	if err != nil {
		return nil, nil, errors.Join(err, cl.Stop())
	}
	stop := func() { _ = errors.Join(st.Close(), cl.Stop()) }
	t0 := time.Now()
	if err := fill(ctx, st, n); err != nil {
		stop()
		return nil, nil, err
	}
	fmt.Printf("ClickHouse: generated %d spans in %s, %.1f MiB on disk\n", n, time.Since(t0).Round(time.Second),
		float64(cl.Disk("qbench"))/(1<<20))
	return st, stop, nil
}
