// Command storageinfo shows where the bytes of a lookout partition file go:
// per top-level column of a table, the estimated on-disk bytes and the
// compressions DuckDB chose, from pragma_storage_info. Run it on a stopped
// server's files (DuckDB locks an attached file):
//
//	go run ./bench/storageinfo -table spans /tmp/d/store/parts/20261125.duckdb
//
// A segment's size is estimated as the distance to the next segment in its
// block (the last one in a block: to the block's end), so the figures are an
// upper bound that adds up to the blocks in use.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	_ "github.com/marcboeker/go-duckdb/v2"
)

const blockSize = 256 << 10

type segment struct {
	column, compression string
	rows                int64
	block, offset       int64
}

func main() {
	table := flag.String("table", "spans", "table to inspect")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: storageinfo [-table spans] FILE.duckdb ...")
	}
	for _, f := range flag.Args() {
		if err := show(f, *table); err != nil {
			log.Fatalf("%s: %v", f, err)
		}
	}
}

func show(file, table string) error {
	db, err := sql.Open("duckdb", file+"?access_mode=read_only")
	if err != nil {
		return err
	}
	defer db.Close()
	var rows int64
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&rows); err != nil {
		return err
	}
	q := `SELECT column_name, compression, count, block_id, block_offset FROM pragma_storage_info('` + table + `')
		WHERE persistent AND block_id >= 0`
	rs, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rs.Close()
	var segs []segment
	var names []string
	if err := func() error {
		r, err := db.Query("SELECT column_index, column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", table)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var i int
			var n string
			if err := r.Scan(&i, &n); err != nil {
				return err
			}
			names = append(names, n)
		}
		return r.Err()
	}(); err != nil {
		return err
	}
	for rs.Next() {
		var s segment
		if err := rs.Scan(&s.column, &s.compression, &s.rows, &s.block, &s.offset); err != nil {
			return err
		}
		segs = append(segs, s)
	}
	if err := rs.Err(); err != nil {
		return err
	}
	slices.SortFunc(segs, func(a, b segment) int {
		if a.block != b.block {
			return int(a.block - b.block)
		}
		return int(a.offset - b.offset)
	})
	bytes := map[string]int64{}
	comps := map[string]map[string]bool{}
	blocks := map[int64]bool{}
	for i, s := range segs {
		end := int64(blockSize)
		if i+1 < len(segs) && segs[i+1].block == s.block {
			end = segs[i+1].offset
		}
		bytes[s.column] += end - s.offset
		blocks[s.block] = true
		if comps[s.column] == nil {
			comps[s.column] = map[string]bool{}
		}
		comps[s.column][s.compression] = true
	}
	st, _ := os.Stat(file)
	fmt.Printf("%s: table %s, %d rows, %d blocks of 256 KiB in use, file %d bytes = %.1f B/row\n\n",
		file, table, rows, len(blocks), st.Size(), float64(st.Size())/float64(max(rows, 1)))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "column\tbytes\tB/row\tcompressions\t")
	slices.SortFunc(names, func(a, b string) int { return int(bytes[b] - bytes[a]) })
	var total int64
	for _, n := range names {
		var cs []string
		for c := range comps[n] {
			cs = append(cs, c)
		}
		slices.Sort(cs)
		total += bytes[n]
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%s\t\n", n, bytes[n], float64(bytes[n])/float64(max(rows, 1)), strings.Join(cs, ","))
	}
	fmt.Fprintf(w, "total\t%d\t%.1f\t\t\n", total, float64(total)/float64(max(rows, 1)))
	return w.Flush()
}
