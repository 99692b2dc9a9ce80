package benchkit

import (
	"context"
	"errors"
	"path/filepath"

	"lookout/internal/store/clickhouse/chtest"
	"lookout/internal/store/postgres/pgtest"
)

// Cluster is a private ClickHouse and PostgreSQL for a benchmark of
// lookout's cluster stores, started and stopped by the driver (the test
// launchers, which run both servers in temporary directories on loopback).
type Cluster struct {
	CH *chtest.Server
	PG *pgtest.Cluster
}

// StartCluster starts both servers.
func StartCluster(ctx context.Context) (*Cluster, error) {
	ch, err := chtest.Start(ctx, chtest.Options{})
	if err != nil {
		return nil, err
	}
	pg, err := pgtest.Start(ctx, pgtest.DefaultConfig())
	if err != nil {
		return nil, errors.Join(err, ch.Stop())
	}
	return &Cluster{CH: ch, PG: pg}, nil
}

// Stores creates the PostgreSQL database name and returns the flags that
// run `lookout serve` on it and on the ClickHouse database of that name
// (which lookout creates).
func (c *Cluster) Stores(ctx context.Context, name string) ([]string, error) {
	meta, err := c.PG.CreateDatabase(ctx, name)
	if err != nil {
		return nil, err
	}
	return []string{"--store", c.CH.URL(name), "--meta", meta}, nil
}

// CPU returns the ClickHouse server's CPU seconds so far.
func (c *Cluster) CPU() float64 {
	v, _ := ProcCPU(c.CH.PID())
	return v
}

// Disk returns the bytes ClickHouse allocates for database name (du).
func (c *Cluster) Disk(name string) int64 {
	n, _, _, _ := DiskUsage(filepath.Join(c.CH.DataDir(), name), "")
	return n
}

// Stop stops both servers and deletes their files.
func (c *Cluster) Stop() error { return errors.Join(c.CH.Stop(), c.PG.Stop()) }
