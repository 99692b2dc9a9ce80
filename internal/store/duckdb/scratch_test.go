package duckdb

import (
	"context"
	"database/sql/driver"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	duckdb "github.com/marcboeker/go-duckdb/v2"

	"lookout/internal/model"
)

func TestScratchWriteBreakdown(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	s := openTest(t, dir)
	defer s.Close()
	if v := os.Getenv("CKPT"); v != "" {
		s.exec(t.Context(), "SET checkpoint_threshold='"+v+"'")
	}
	size, _ := strconv.Atoi(os.Getenv("SIZE"))
	rng := rand.New(rand.NewPCG(1, 2))
	pool := benchSpans(rng, 20*size, time.Date(2025, 3, 10, 1, 0, 0, 0, time.UTC), 20*time.Hour)
	var enc, app, commit, worst time.Duration
	n := 100
	for i := range n {
		off := (i % 20) * size
		t0 := time.Now()
		rows := make([][]driver.Value, 0, size)
		for j := range size {
			r, _ := spanRow(&pool[off+j])
			if os.Getenv("NOJSON") != "" {
				r[19], r[25] = "", ""
			}
			rows = append(rows, r)
		}
		t1 := time.Now()
		p, err := s.ensurePart(t.Context(), "20250310")
		if err != nil {
			t.Fatal(err)
		}
		var t2 time.Time
		err = s.wconn.Raw(func(dc any) error {
			ex := dc.(driver.ExecerContext)
			ex.ExecContext(context.Background(), "BEGIN", nil)
			if err := appendRows(dc.(driver.Conn), p.catalog, "spans", rows); err != nil {
				return err
			}
			t2 = time.Now()
			_, err := ex.ExecContext(context.Background(), "COMMIT", nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		t3 := time.Now()
		enc += t1.Sub(t0)
		app += t2.Sub(t1)
		commit += t3.Sub(t2)
		worst = max(worst, t3.Sub(t2))
	}
	_ = duckdb.Appender{}
	_ = model.Span{}
	per := func(d time.Duration) string { return (d / time.Duration(n*size)).String() + "/span" }
	t.Logf("encode %v append %v commit %v worst commit %v; spans/s %.0f", per(enc), per(app), per(commit), worst,
		float64(n*size)/(enc+app+commit).Seconds())
}
