package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store"
)

// queryMoreCases checks HEATMAP, BubbleUp, Columns, validation and
// cancellation on the generated data set, against brute-force answers.
func queryMoreCases() []testCase {
	dur := query.ColDuration
	return []testCase{
		{name: "Heatmap", run: func(t *testing.T, b Backend) {
			qr, spans := openQuerier(t, b)
			q := hourQuery(func(q *query.Query) {
				q.Calculations, q.Breakdowns = calcs("HEATMAP", dur, "COUNT", ""), []string{query.ColService}
			})
			got, err := qr.Query(ctx(t), "p1", q)
			if err != nil {
				t.Fatal(err)
			}
			want := oracleQuery(spanRecords(spans), q)
			var lo, hi float64 = 1e18, -1
			for _, s := range spans {
				d := float64(s.DurationNano()) / 1e6
				lo, hi = min(lo, d), max(hi, d)
			}
			if len(got.Heatmaps) != 1 || !closeEnough(got.Heatmaps[0].Min, lo) || !closeEnough(got.Heatmaps[0].Max, hi) {
				t.Fatalf("heatmaps %+v, want min %v max %v", got.Heatmaps, lo, hi)
			}
			hm := got.Heatmaps[0]
			for i, row := range got.Results {
				var n int64
				counts := row.Values[0].([]int64)
				for _, c := range counts {
					n += c
				}
				if n != want.Results[i].Values[1].(int64) || len(counts) != hm.Buckets {
					t.Errorf("%v: heatmap holds %d spans in %d buckets, want %v", row.Group, n, len(counts), want.Results[i].Values[1])
				}
				// bucket 0 counts exactly the spans below min + width
				var first int64
				for _, s := range spans {
					if s.Service() == row.Group[0] && float64(s.DurationNano())/1e6 < hm.Min+hm.BucketWidth() {
						first++
					}
				}
				if counts[0] != first {
					t.Errorf("%v: bucket 0 holds %d, want %d", row.Group, counts[0], first)
				}
			}
		}},
		{name: "BubbleUpFilterSelection", run: func(t *testing.T, b Backend) {
			qr, spans := openQuerier(t, b)
			q := hourQuery(func(q *query.Query) {})
			sel := query.Selection{Filters: []query.Filter{flt(query.ColError, "=", true)}, FilterCombination: query.And}
			got, err := qr.BubbleUp(ctx(t), "p1", q, sel)
			if err != nil {
				t.Fatal(err)
			}
			var errs int64
			for _, s := range spans {
				if s.StatusCode == model.StatusError {
					errs++
				}
			}
			if got.Inside != errs || got.Outside != int64(len(spans))-errs {
				t.Fatalf("sides %d/%d, want %d/%d", got.Inside, got.Outside, errs, int64(len(spans))-errs)
			}
			top := map[string]float64{}
			for _, c := range got.Columns {
				top[c.Column] = c.Score
			}
			// errors are exactly the 500s and status 2; tier is independent.
			for _, col := range []string{query.ColError, query.ColStatusCode} {
				if top[col] != 1 {
					t.Errorf("%s score %v, want 1", col, top[col])
				}
			}
			if top["tier"] > 0.2 || top[dur] < 0.9 {
				t.Errorf("tier score %v (want < 0.2), duration_ms %v (want > 0.9, errors are 200ms slower)", top["tier"], top[dur])
			}
			hs := slices.IndexFunc(got.Columns, func(c query.BubbleUpColumn) bool { return c.Column == "http.status_code" })
			if hs < 0 || got.Columns[hs].Values[0].Value != int64(500) || got.Columns[hs].Values[0].InsideFraction != 1 {
				t.Errorf("http.status_code: %+v, want 500 first, all of the inside", got.Columns[hs])
			}
		}},
		{name: "BubbleUpHeatmapRegion", run: func(t *testing.T, b Backend) {
			qr, spans := openQuerier(t, b)
			lo, hi := 150.0, 1e9
			sel := query.Selection{Start: T0.Add(10 * time.Minute), End: T0.Add(40 * time.Minute), Column: dur, Min: &lo, Max: &hi}
			got, err := qr.BubbleUp(ctx(t), "p1", hourQuery(func(q *query.Query) {}), sel)
			if err != nil {
				t.Fatal(err)
			}
			var in int64
			for _, s := range spans {
				if s.StartUnixNano >= sel.Start.UnixNano() && s.StartUnixNano < sel.End.UnixNano() && float64(s.DurationNano())/1e6 >= lo {
					in++
				}
			}
			if got.Inside != in || got.Inside+got.Outside != int64(len(spans)) {
				t.Errorf("sides %d/%d, want %d inside of %d", got.Inside, got.Outside, in, len(spans))
			}
			if len(got.Columns) == 0 || got.Columns[0].Column != dur {
				t.Errorf("first column %+v, want duration_ms", got.Columns[:1])
			}
		}},
		{name: "Columns", run: func(t *testing.T, b Backend) {
			qr, _ := openQuerier(t, b)
			byName := checkColumns(t, qr, query.SourceSpans, map[string]query.Column{
				dur:                       {Type: query.TypeFloat, Source: "span"},
				"http.status_code":        {Type: query.TypeInteger, Source: "attribute", Count: querySpans, Cardinality: 3},
				"tier":                    {Type: query.TypeString, Source: "attribute", Count: querySpans, Cardinality: 2},
				"retry":                   {Type: query.TypeBoolean, Source: "attribute", Cardinality: 2},
				"region":                  {Type: query.TypeString, Source: "resource", Count: querySpans, Cardinality: 2},
				"host.name":               {Type: query.TypeString, Source: "resource", Count: querySpans, Cardinality: 5},
				"event.name":              {Type: query.TypeString, Source: "event", Cardinality: 2},
				"event.exception.type":    {Type: query.TypeString, Source: "event", Cardinality: 3},
				"event.exception.escaped": {Type: query.TypeBoolean, Source: "event", Cardinality: 2},
				"event.attempt":           {Type: query.TypeInteger, Source: "event", Cardinality: 4},
			})
			if _, ok := byName["service.name"]; !ok || byName["service.name"].Source != "span" {
				t.Errorf("service.name: %+v, want the span field only", byName["service.name"])
			}
		}},
		{name: "InvalidQuery", run: func(t *testing.T, b Backend) {
			qr, _ := openQuerier(t, b)
			q := hourQuery(func(q *query.Query) {})
			q.Calculations = calcs("AVG", "")
			_, err := qr.Query(ctx(t), "p1", q)
			wantFieldError(t, err, "calculations[0]")
		}},
		{name: "Cancelled", run: func(t *testing.T, b Backend) {
			qr, _ := openQuerier(t, b)
			c, cancel := context.WithCancel(ctx(t))
			cancel()
			if _, err := qr.Query(c, "p1", hourQuery(func(q *query.Query) { q.Calculations = calcs("P99", dur) })); err == nil {
				t.Error("query on a cancelled context: want an error")
			}
		}},
	}
}

// checkColumns lists the columns of p1's hour and checks those of want:
// type and source always, count and cardinality when want sets them.
func checkColumns(t *testing.T, qr store.Querier, src query.Source, want map[string]query.Column) map[string]query.Column {
	t.Helper()
	cols, err := qr.Columns(ctx(t), "p1", query.DatasetAll, src, T0, T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]query.Column{}
	for _, c := range cols {
		byName[c.Name] = c
	}
	for name, w := range want {
		got := byName[name]
		if got.Type != w.Type || got.Source != w.Source || w.Count > 0 && got.Count != w.Count ||
			w.Cardinality > 0 && got.Cardinality != w.Cardinality {
			t.Errorf("%s: %+v, want %+v", name, got, w)
		}
	}
	return byName
}
