package sqlbuild

import (
	"math"
	"strconv"

	"lookout/internal/model"
	"lookout/internal/query"
	"lookout/internal/store/rowcodec"
)

// Compiler is what Selection needs of a store's query compiler.
type Compiler interface {
	// Arg binds v and returns its placeholder.
	Arg(v any) string
	// Num is the SQL of a column read as a number.
	Num(column string) string
	// Filters is the condition of a filter list.
	Filters(fs []query.Filter, comb query.Combination) string
}

// Selection returns the condition that puts a span inside BubbleUp's
// selection; NULL (a column the span lacks) reads as false.
func Selection(d Dialect, b Compiler, sel query.Selection) string {
	cond := d.Bool(true)
	if !sel.Start.IsZero() {
		cond += " AND start_ns >= " + b.Arg(sel.Start.UnixNano())
	}
	if !sel.End.IsZero() {
		cond += " AND start_ns < " + b.Arg(sel.End.UnixNano())
	}
	if sel.Min != nil || sel.Max != nil {
		num := b.Num(sel.Column)
		if sel.Min != nil {
			cond += " AND " + num + " >= " + b.Arg(*sel.Min)
		}
		if sel.Max != nil {
			cond += " AND " + num + " <= " + b.Arg(*sel.Max)
		}
	}
	if len(sel.Filters) > 0 {
		cond += " AND " + b.Filters(sel.Filters, sel.FilterCombination)
	}
	return "coalesce(" + cond + ", " + d.Bool(false) + ")"
}

// ScaleSampled scales BubbleUp's counts read from samples up to the side
// sizes nIn and nOut. Every span has exactly one service.name: its column
// sums are the sampled side sizes.
func ScaleSampled(counts []query.ValueCount, nIn, nOut int64) {
	var sIn, sOut int64
	for _, c := range counts {
		if c.Column == query.ColService {
			sIn, sOut = c.ColumnInside, c.ColumnOutside
			break
		}
	}
	scale := func(n, sampled, total int64) int64 {
		if sampled == 0 || sampled == total {
			return n
		}
		return int64(math.Round(float64(n) * float64(total) / float64(sampled)))
	}
	for i := range counts {
		c := &counts[i]
		c.Inside, c.ColumnInside = scale(c.Inside, sIn, nIn), scale(c.ColumnInside, sIn, nIn)
		c.Outside, c.ColumnOutside = scale(c.Outside, sOut, nOut), scale(c.ColumnOutside, sOut, nOut)
	}
}

// SetValue sets the value of a BubbleUp count from its text and kind as
// stored: typed again, or for the duration column the bin k the text
// names, [2^(k/4), 2^((k+1)/4)) milliseconds.
func SetValue(c *query.ValueCount, text string, kind model.ValueKind) {
	if c.Column != query.ColDuration {
		c.Value = rowcodec.TypedText(text, kind)
		return
	}
	k, _ := strconv.ParseFloat(text, 64)
	c.Value, c.Max, c.Binned = math.Pow(2, k/4), math.Pow(2, (k+1)/4), true
}
