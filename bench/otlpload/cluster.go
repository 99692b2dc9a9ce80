package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"lookout/bench/benchkit"
)

// clusterRun is a run's databases on the driver's private ClickHouse and
// PostgreSQL. Its methods answer 0 on nil, the embedded store.
type clusterRun struct {
	c  *benchkit.Cluster
	db string
}

// cpu returns ClickHouse's CPU seconds so far.
func (c *clusterRun) cpu() float64 {
	if c == nil {
		return 0
	}
	return c.c.CPU()
}

// disk returns the bytes ClickHouse allocates for the run's database.
func (c *clusterRun) disk() int64 {
	if c == nil {
		return 0
	}
	return c.c.Disk(c.db)
}

// runStores runs the load once per store of -stores, in turn, -rounds
// times, and prints each report as it comes. The cluster servers are
// started once, each run gets its own databases.
func runStores(ctx context.Context, o options, w io.Writer) error {
	stores := strings.Split(o.stores, ",")
	var cl *benchkit.Cluster
	for _, s := range stores {
		switch s {
		case "embedded":
		case "cluster":
			if o.lookout == "" {
				return fmt.Errorf("-stores cluster needs -lookout")
			}
			if cl != nil {
				continue
			}
			var err error
			if cl, err = benchkit.StartCluster(ctx); err != nil {
				return err
			}
			defer cl.Stop()
			log.Printf("clickhouse pid %d at %s, postgresql on port %d", cl.CH.PID(), cl.CH.Addr, cl.PG.Port())
		default:
			return fmt.Errorf("-stores: %q is neither embedded nor cluster", s)
		}
	}
	n := 0
	for range max(o.rounds, 1) {
		for _, s := range stores {
			ro := o
			if s == "cluster" {
				n++
				ro.cluster = &clusterRun{c: cl, db: fmt.Sprintf("otlpload_%d", n)}
			}
			r, err := run(ctx, ro)
			if r != nil {
				r.print(w)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}
