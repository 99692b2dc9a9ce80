package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"lookout/internal/store"
)

// Every table is partitioned by the UTC day number of its time (days since
// 1970-01-01; times before the epoch fall into day 0). The store names a
// partition by its day, YYYYMMDD, as the embedded store does; a partition
// is the day's part of every table.

// partitionedTables are the tables whose partitions make up a day.
var partitionedTables = []string{"spans", "trace_index", "logs", "metrics"}

const dayLayout = "20060102"

func dayName(day uint32) string {
	return time.Unix(int64(day)*86400, 0).UTC().Format(dayLayout)
}

// dayNumber parses a partition name.
func dayNumber(name string) (uint32, error) {
	t, err := time.ParseInLocation(dayLayout, name, time.UTC)
	if err != nil || len(name) != len(dayLayout) || t.Unix() < 0 {
		return 0, fmt.Errorf("partition %q: want YYYYMMDD: %w", name, store.ErrNotFound)
	}
	return uint32(t.Unix() / 86400), nil
}

// partSizes returns the bytes on disk of the active parts of each day
// partition of the tables.
func (s *Store) partSizes(ctx context.Context, tables ...string) (map[uint32]int64, error) {
	w := newWhere().Add("database = ?", s.db).In("table", tables).Add("active")
	rows, err := s.conn.Query(ctx, `SELECT partition, toInt64(sum(bytes_on_disk)) FROM system.parts
		WHERE `+w.String()+` GROUP BY partition`, w.Args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sizes := map[uint32]int64{}
	for rows.Next() {
		var part string
		var n int64
		if err := rows.Scan(&part, &n); err != nil {
			return nil, err
		}
		day, err := strconv.ParseUint(part, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("partition %q: not a day number", part)
		}
		sizes[uint32(day)] += n
	}
	return sizes, rows.Err()
}

// Partitions lists the day partitions, oldest first. Bytes is the size on
// disk of the day's parts of every table.
func (s *Store) Partitions(ctx context.Context) ([]store.Partition, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	sizes, err := s.partSizes(ctx, partitionedTables...)
	if err != nil {
		return nil, fmt.Errorf("partitions: %w", err)
	}
	out := make([]store.Partition, 0, len(sizes))
	for day, n := range sizes {
		start := time.Unix(int64(day)*86400, 0).UTC()
		out = append(out, store.Partition{Name: dayName(day), Start: start, End: start.AddDate(0, 0, 1), Bytes: n})
	}
	slices.SortFunc(out, func(a, b store.Partition) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// DropPartition drops the day from every table, which deletes its parts
// from disk at once. Queries running meanwhile keep the parts they read.
// Unknown names give store.ErrNotFound.
func (s *Store) DropPartition(ctx context.Context, name string) error {
	if err := s.check(); err != nil {
		return err
	}
	day, err := dayNumber(name)
	if err != nil {
		return err
	}
	sizes, err := s.partSizes(ctx, partitionedTables...)
	if err != nil {
		return fmt.Errorf("partition %s: %w", name, err)
	}
	if _, ok := sizes[day]; !ok {
		return fmt.Errorf("partition %q: %w", name, store.ErrNotFound)
	}
	for _, t := range partitionedTables {
		// The day number is an integer formatted here: ALTER takes no
		// bound parameters.
		if err := s.conn.Exec(ctx, "ALTER TABLE "+t+" DROP PARTITION "+strconv.FormatUint(uint64(day), 10)); err != nil {
			return fmt.Errorf("partition %s: drop from %s: %w", name, t, err)
		}
	}
	return nil
}

// Usage returns one row per (project, kind, service), kinds "spans", "logs"
// and "metrics", ordered by project, kind and service. Rows and
// LastUnixNano are exact. Bytes is an estimate: each table's size on disk
// (for spans, with the trace index) shared among its rows in proportion to
// their count.
func (s *Store) Usage(ctx context.Context) ([]store.UsageRow, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var out []store.UsageRow
	for _, k := range []struct{ kind, table, time string }{
		{"logs", "logs", "time_ns"}, {"metrics", "metrics", "time_ns"}, {"spans", "spans", "start_ns"},
	} {
		tables := []string{k.table}
		if k.table == "spans" {
			tables = append(tables, "trace_index")
		}
		sizes, err := s.partSizes(ctx, tables...)
		if err != nil {
			return nil, fmt.Errorf("usage of %s: %w", k.table, err)
		}
		var size int64
		for _, n := range sizes {
			size += n
		}
		rows, err := s.conn.Query(ctx, "SELECT project, service, toInt64(count()), max("+k.time+") FROM "+k.table+" GROUP BY project, service")
		if err != nil {
			return nil, fmt.Errorf("usage of %s: %w", k.table, err)
		}
		var got []store.UsageRow
		var total int64
		for rows.Next() {
			r := store.UsageRow{Kind: k.kind}
			if err := rows.Scan(&r.Project, &r.Service, &r.Rows, &r.LastUnixNano); err != nil {
				rows.Close()
				return nil, fmt.Errorf("usage of %s: scan: %w", k.table, err)
			}
			total += r.Rows
			got = append(got, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("usage of %s: %w", k.table, err)
		}
		for _, r := range got {
			r.Bytes = int64(float64(size) * float64(r.Rows) / float64(total))
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b store.UsageRow) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Service, b.Service))
	})
	return out, nil
}
