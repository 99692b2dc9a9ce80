package insights

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

var aggregates = map[string]bool{"count": true, "count_distinct": true, "sum": true, "avg": true,
	"min": true, "max": true, "pct": true, "stddev": true, "earliest": true, "latest": true}

// isAggregate reports whether name is a stats function, including the
// pNN / pcNN percentile shorthands.
func isAggregate(name string) bool {
	_, ok := percentileAlias(strings.ToLower(name))
	return aggregates[strings.ToLower(name)] || ok
}

// percentileAlias reads p99 / pc99 / p99.9 as pct(…, 99).
func percentileAlias(name string) (float64, bool) {
	var rest string
	switch {
	case strings.HasPrefix(name, "pc"):
		rest = name[2:]
	case strings.HasPrefix(name, "p"):
		rest = name[1:]
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(rest, 64)
	if err != nil || rest == "" || !isDigit(rest[0]) || f < 0 || f > 100 {
		return 0, false
	}
	return f, true
}

// stats parses `agg(...) [as name], ... [by expr [as name], ...]`.
func (p *parser) stats() (*statsCmd, error) {
	s := &statsCmd{}
	for {
		t, err := p.peek(false)
		if err != nil {
			return nil, err
		}
		a, err := p.aggregate()
		if err != nil {
			return nil, err
		}
		if a.name, err = p.alias(t.pos, &literal{}); err != nil {
			return nil, err
		}
		s.aggs = append(s.aggs, a)
		if ok, err := p.accept(","); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			break
		}
	}
	if ok, err := p.accept("by"); err != nil || !ok {
		return s, err
	}
	by, err := p.namedList()
	s.by = by
	return s, err
}

func (p *parser) aggregate() (aggregate, error) {
	t, err := p.peek(false)
	if err != nil {
		return aggregate{}, err
	}
	name := strings.ToLower(t.text)
	pc, isPc := percentileAlias(name)
	if t.kind != tIdent || !(aggregates[name] || isPc) {
		return aggregate{}, errAt(t.pos, t.end, "expected a stats function (count, sum, avg, min, max, pct, ...), found %s", t)
	}
	p.advance()
	a := aggregate{fn: name}
	if isPc {
		a.fn, a.p = "pct", pc
	}
	if name == "count" {
		if _, err := p.expect("("); err != nil {
			return a, err
		}
		if ok, err := p.accept("*"); err != nil {
			return a, err
		} else if ok {
			_, err := p.expect(")")
			return a, err
		}
		if a.arg, err = p.expr(); err != nil {
			return a, err
		}
		_, err := p.expect(")")
		return a, err
	}
	args, err := p.args()
	if err != nil {
		return a, err
	}
	want := 1
	if name == "pct" {
		want = 2
	}
	if len(args) != want {
		return a, errAt(t.pos, p.lx.off, "%s takes %d argument(s), got %d", t.text, want, len(args))
	}
	a.arg = args[0]
	if name == "pct" {
		lit, ok := args[1].(*literal)
		var f float64
		if ok {
			f, ok = lit.v.number()
		}
		if !ok || f < 0 || f > 100 {
			return a, errAt(t.pos, p.lx.off, "pct takes a percentile from 0 to 100")
		}
		a.p = f
	}
	return a, nil
}

// acc accumulates one aggregate over one group.
type acc struct {
	n        float64 // rows counted / numeric values seen
	sum, sq  float64
	min, max value
	vals     []float64       // pct
	distinct map[string]bool // count_distinct
	first    value           // earliest: value at the lowest @timestamp
	last     value           // latest
	firstT   float64
	lastT    float64
}

func (a *acc) add(ag *aggregate, r *row) {
	if ag.arg == nil { // count(*)
		a.n++
		return
	}
	v := ag.arg.eval(r)
	if v.k == kNull {
		return
	}
	switch ag.fn {
	case "count":
		a.n++
	case "count_distinct":
		if a.distinct == nil {
			a.distinct = map[string]bool{}
		}
		a.distinct[v.String()] = true
	case "min", "max":
		if a.min.k == kNull || sortCompare(v, a.min) < 0 {
			a.min = v
		}
		if a.max.k == kNull || sortCompare(v, a.max) > 0 {
			a.max = v
		}
	case "earliest", "latest":
		t, _ := r.get("@timestamp").number()
		if a.first.k == kNull || t < a.firstT {
			a.first, a.firstT = v, t
		}
		if a.last.k == kNull || t >= a.lastT {
			a.last, a.lastT = v, t
		}
	default: // sum, avg, stddev, pct: numbers only
		f, ok := v.number()
		if !ok {
			return
		}
		a.n++
		a.sum += f
		a.sq += f * f
		if ag.fn == "pct" {
			a.vals = append(a.vals, f)
		}
	}
}

// result is the aggregate's value; null when nothing was aggregated.
func (a *acc) result(ag *aggregate) value {
	switch ag.fn {
	case "count":
		return num(a.n)
	case "count_distinct":
		return num(float64(len(a.distinct)))
	case "min":
		return a.min
	case "max":
		return a.max
	case "earliest":
		return a.first
	case "latest":
		return a.last
	}
	if a.n == 0 {
		return null
	}
	switch ag.fn {
	case "sum":
		return num(a.sum)
	case "avg":
		return num(a.sum / a.n)
	case "stddev":
		if a.n < 2 {
			return num(0)
		}
		mean := a.sum / a.n
		return num(math.Sqrt(math.Max(0, (a.sq-a.n*mean*mean)/(a.n-1))))
	}
	return num(percentile(a.vals, ag.p))
}

// percentile is the nearest-rank percentile: the smallest value with at
// least p% of the values at or below it. It sorts vals.
func percentile(vals []float64, p float64) float64 {
	slices.Sort(vals)
	rank := int(math.Ceil(p / 100 * float64(len(vals))))
	return vals[min(max(rank, 1), len(vals))-1]
}
