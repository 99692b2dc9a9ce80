package query

import (
	"cmp"
	"math"
	"slices"
)

// BubbleUpResult compares the selection (Inside) with the rest of the query's
// spans (Outside), column by column, most different first.
type BubbleUpResult struct {
	Inside, Outside int64 // span counts on each side
	Columns         []BubbleUpColumn
}

// BubbleUpColumn is the value distribution of one column on both sides.
// Score is the total variation distance between the two distributions (0:
// identical, 1: disjoint), counting "missing" as a value. Values lists the
// values that differ most, at most MaxBubbleUpValues.
type BubbleUpColumn struct {
	Column string
	Score  float64
	// Binned means values are numeric ranges: each value is the lower bound
	// of a bucket whose upper bound is Value.Max.
	Binned bool
	Values []BubbleUpValue
}

// BubbleUpValue is one value of a column and its share of each side. Value
// is nil for spans that lack the column.
type BubbleUpValue struct {
	Value           any
	Max             float64 // upper bound of a binned value
	Inside, Outside int64
	InsideFraction  float64
	OutsideFraction float64
}

// MaxBubbleUpValues is the number of values kept per column.
const MaxBubbleUpValues = 10

// ValueCount is a store's raw answer for one (column, value): how many spans
// of each side hold it. Distinct is the column's number of distinct values
// (stores may report only the most frequent values of a column, with the
// sums over all of them in ColumnInside and ColumnOutside).
type ValueCount struct {
	Column          string
	Value           any
	Max             float64
	Binned          bool
	Inside, Outside int64
	ColumnInside    int64
	ColumnOutside   int64
	Distinct        int64
}

// RankBubbleUp turns a store's value counts into the ranked comparison. Spans
// of a side that lack a column count as its "missing" value. Columns whose
// values are nearly all distinct (ids) are left out: every value would differ.
func RankBubbleUp(inside, outside int64, counts []ValueCount) BubbleUpResult {
	res := BubbleUpResult{Inside: inside, Outside: outside}
	byCol := map[string][]ValueCount{}
	var order []string
	for _, c := range counts {
		if _, ok := byCol[c.Column]; !ok {
			order = append(order, c.Column)
		}
		byCol[c.Column] = append(byCol[c.Column], c)
	}
	frac := func(n, of int64) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	for _, col := range order {
		vs := byCol[col]
		first := vs[0]
		if first.Distinct > 100 && float64(first.Distinct) > 0.5*float64(first.ColumnInside+first.ColumnOutside) && !first.Binned {
			continue
		}
		bc := BubbleUpColumn{Column: col, Binned: first.Binned}
		var diff, seenIn, seenOut float64
		for _, v := range vs {
			bv := BubbleUpValue{Value: v.Value, Max: v.Max, Inside: v.Inside, Outside: v.Outside,
				InsideFraction: frac(v.Inside, inside), OutsideFraction: frac(v.Outside, outside)}
			diff += math.Abs(bv.InsideFraction - bv.OutsideFraction)
			seenIn += bv.InsideFraction
			seenOut += bv.OutsideFraction
			bc.Values = append(bc.Values, bv)
		}
		// Values beyond the ones reported: at most their summed shares differ.
		restIn := frac(first.ColumnInside, inside) - seenIn
		restOut := frac(first.ColumnOutside, outside) - seenOut
		diff += math.Abs(restIn - restOut)
		if mi, mo := inside-first.ColumnInside, outside-first.ColumnOutside; mi > 0 || mo > 0 {
			bv := BubbleUpValue{Inside: mi, Outside: mo, InsideFraction: frac(mi, inside), OutsideFraction: frac(mo, outside)}
			diff += math.Abs(bv.InsideFraction - bv.OutsideFraction)
			bc.Values = append(bc.Values, bv)
		}
		bc.Score = math.Min(math.Round(diff/2*1e9)/1e9, 1) // rounding noise of the sums
		slices.SortStableFunc(bc.Values, func(a, b BubbleUpValue) int {
			return cmp.Compare(math.Abs(b.InsideFraction-b.OutsideFraction), math.Abs(a.InsideFraction-a.OutsideFraction))
		})
		if len(bc.Values) > MaxBubbleUpValues {
			bc.Values = bc.Values[:MaxBubbleUpValues]
		}
		res.Columns = append(res.Columns, bc)
	}
	slices.SortStableFunc(res.Columns, func(a, b BubbleUpColumn) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Column, b.Column)
	})
	return res
}
