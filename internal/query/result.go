package query

import "time"

// Result answers a Query. Results holds one row per group (per distinct
// combination of breakdown values) that passed the havings, in the query's
// order, at most Limit; Series holds, for those groups only, one row per
// group and time bucket that has spans, ordered by time then group order.
type Result struct {
	Results []Row
	Series  []Row
	// Heatmaps describes the value buckets of each HEATMAP calculation, in
	// calculation order.
	Heatmaps []Heatmap
}

// Row is one group, over the whole range (Results) or one time bucket
// (Series).
type Row struct {
	// Time is the start of the bucket; zero in Results.
	Time time.Time
	// Group holds the breakdown values, in Query.Breakdowns order: string,
	// int64, float64 or bool, nil where the spans lack the column.
	Group []any
	// Values holds the calculations, in Query.Calculations order: int64 for
	// COUNT and COUNT_DISTINCT, float64 for the others, nil when no span of
	// the group has a numeric value, []int64 (counts per value bucket) for
	// HEATMAP.
	Values []any
}

// Heatmap describes the value axis of one HEATMAP calculation: Buckets
// buckets of equal width over [Min, Max]; bucket i counts the values in
// [Min+i*w, Min+(i+1)*w), the last one including Max. Min and Max are
// the smallest and largest value in the query's spans.
type Heatmap struct {
	Name     string
	Min, Max float64
	Buckets  int
}

// BucketWidth is the width of one value bucket.
func (h Heatmap) BucketWidth() float64 {
	if h.Buckets == 0 || h.Max <= h.Min {
		return 0
	}
	return (h.Max - h.Min) / float64(h.Buckets)
}
