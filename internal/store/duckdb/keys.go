package duckdb

import (
	"context"
	"fmt"
)

// An attribute column of a query reads the record's own attributes, else its
// resource's, and what costs is decoding those list columns for every row of
// the window. Each partition therefore records which keys occur in which
// list (table attr_keys_seen), so that a query reads only the lists that can
// hold the key, and none for a key that never occurs.

// keyIn says in which lists of a table a key occurs.
type keyIn uint8

const (
	inAttrs    keyIn = 1 << iota // the record's own attributes
	inResource                   // its resource's attributes
)

// keysDDL is the table of the keys seen in a partition: tbl is "spans",
// "logs" or "metrics", list 1 (attributes) or 2 (resource).
const keysDDL = `(tbl VARCHAR, key VARCHAR, list UTINYINT)`

const keysTable = "attr_keys_seen"

// keyMap is table → key → lists.
type keyMap map[string]map[string]keyIn

// Each partition's keys are loaded at attach (part.keys); the store's union
// over its partitions (Store.keys) may run ahead of what is committed: the keys of a write are added before its COMMIT, so that no
// query sees rows whose keys it does not know, and are saved in the
// partition's table in the same transaction. Keys of dropped partitions
// stay: a key too many costs one list read, never a wrong answer.

func addKey(m keyMap, tbl, key string, in keyIn) {
	if m[tbl] == nil {
		m[tbl] = map[string]keyIn{}
	}
	m[tbl][key] |= in
}

// loadKeys returns the keys saved in the partition's key table. A partition
// written before keys were recorded gets its table now, filled from its rows
// (once; about 5 s per 10M spans). Call it before createTables.
func (s *Store) loadKeys(ctx context.Context, p *part) (keyMap, error) {
	tables, err := s.tablesOf(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if !tables[keysTable] {
		stmts := []string{fmt.Sprintf("CREATE TABLE %s.main.%s %s", p.catalog, keysTable, keysDDL)}
		if tables["spans"] {
			sel := func(tbl, list string, in keyIn) string {
				return fmt.Sprintf("SELECT '%s', k, %d FROM (SELECT DISTINCT unnest(%s) AS k FROM %s.main.%s)", tbl, in, list, p.catalog, tbl)
			}
			stmts = append(stmts, fmt.Sprintf("INSERT INTO %s.main.%s %s UNION ALL %s UNION ALL %s UNION ALL %s", p.catalog, keysTable,
				sel("spans", "attr_keys", inAttrs), sel("spans", "res_keys", inResource),
				sel("logs", "attr_keys", inAttrs), sel("logs", "res_keys", inResource)))
		}
		if err := s.exec(ctx, stmts...); err != nil {
			return nil, err
		}
	}
	saved := keyMap{}
	rows, err := s.wconn.QueryContext(ctx, fmt.Sprintf("SELECT tbl, key, list FROM %s.main.%s", p.catalog, keysTable))
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tbl, key string
		var in uint8
		if err := rows.Scan(&tbl, &key, &in); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		addKey(saved, tbl, key, keyIn(in))
	}
	return saved, rows.Err()
}

// tablesOf returns the tables the partition file holds.
func (s *Store) tablesOf(ctx context.Context, p *part) (map[string]bool, error) {
	rows, err := s.wconn.QueryContext(ctx, "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", p.catalog)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tables := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		tables[name] = true
	}
	return tables, rows.Err()
}

// batchKeys are the keys of a batch's items of one partition.
type batchKeys keyMap

// keysOf collects the keys of a partition's encoded columns (their flat key
// lists hold each resource once).
func keysOf(c *partCols) batchKeys {
	bk := batchKeys{}
	add := func(tbl string, in keyIn, flat []string) {
		for _, k := range flat {
			if bk[tbl][k]&in == 0 {
				addKey(keyMap(bk), tbl, k, in)
			}
		}
	}
	add("spans", inAttrs, c.spans.attrs.keys.flat)
	add("spans", inResource, c.spans.res.attrs.keys.flat)
	add("logs", inAttrs, c.logs.attrs.keys.flat)
	add("logs", inResource, c.logs.res.attrs.keys.flat)
	add("metrics", inAttrs, c.metrics.attrs.keys.flat)
	add("metrics", inResource, c.metrics.res.attrs.keys.flat)
	return bk
}

// keyRows are rows of the key table, appended like the other tables.
type keyRows struct {
	tbl, key strCol
	list     intCol[uint8]
}

func (r *keyRows) len() int               { return len(r.tbl) }
func (r *keyRows) columns() []chunkColumn { return []chunkColumn{r.tbl, r.key, r.list} }

// newKeys makes the keys visible and returns the rows that save those the
// partition has not saved yet (nil when none). The caller holds wmu,
// appends the rows in the transaction of the data, and calls savedKeys after
// the COMMIT.
func (s *Store) newKeys(p *part, bks []batchKeys) *keyRows {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows keyRows
	listed := keyMap{} // by an earlier batch of this commit
	for _, bk := range bks {
		for tbl, keys := range bk {
			for key, in := range keys {
				addKey(s.keys, tbl, key, in)
				if miss := in &^ p.keys[tbl][key] &^ listed[tbl][key]; miss != 0 {
					addKey(listed, tbl, key, miss)
					rows.tbl, rows.key, rows.list = append(rows.tbl, tbl), append(rows.key, key), append(rows.list, uint8(miss))
				}
			}
		}
	}
	if rows.len() == 0 {
		return nil
	}
	return &rows
}

// savedKeys records that the rows are committed in the partition.
func (s *Store) savedKeys(p *part, rows *keyRows) {
	if rows == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range rows.tbl {
		addKey(p.keys, rows.tbl[i], rows.key[i], keyIn(rows.list[i]))
	}
}

// keyLists returns in which lists of tbl the key occurs in any partition.
func (s *Store) keyLists(tbl, key string) keyIn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[tbl][key]
}
