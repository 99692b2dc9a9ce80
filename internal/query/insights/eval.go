package insights

import (
	"math"
	"strings"
)

func (e *fieldRef) eval(r *row) value { return r.get(e.name) }
func (e *literal) eval(*row) value    { return e.v }
func (e *regexLit) eval(*row) value   { return str(e.src) }

func (e *unary) eval(r *row) value {
	x := e.x.eval(r)
	if e.op == "not" {
		return boolean(!x.truthy())
	}
	if f, ok := x.number(); ok {
		return num(-f)
	}
	return null
}

func (e *binary) eval(r *row) value {
	switch e.op {
	case "and":
		return boolean(e.l.eval(r).truthy() && e.r.eval(r).truthy())
	case "or":
		return boolean(e.l.eval(r).truthy() || e.r.eval(r).truthy())
	}
	l, rv := e.l.eval(r), e.r.eval(r)
	switch e.op {
	case "=", "!=", "<", "<=", ">", ">=":
		c, ok := compare(l, rv)
		if !ok {
			return boolean(false) // an absent field matches no comparison
		}
		switch e.op {
		case "=":
			return boolean(c == 0)
		case "!=":
			return boolean(c != 0)
		case "<":
			return boolean(c < 0)
		case "<=":
			return boolean(c <= 0)
		case ">":
			return boolean(c > 0)
		}
		return boolean(c >= 0)
	}
	x, okx := l.number()
	y, oky := rv.number()
	if !okx || !oky {
		return null
	}
	var f float64
	switch e.op {
	case "+":
		f = x + y
	case "-":
		f = x - y
	case "*":
		f = x * y
	case "/":
		if y == 0 {
			return null
		}
		f = x / y
	case "%":
		if y == 0 {
			return null
		}
		f = math.Mod(x, y)
	case "^":
		f = math.Pow(x, y)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return null
	}
	return num(f)
}

func (e *matchExpr) eval(r *row) value {
	x := e.x.eval(r)
	if x.k == kNull {
		return boolean(false)
	}
	var m bool
	if e.re != nil {
		m = e.re.MatchString(x.String())
	} else {
		m = strings.Contains(x.String(), e.sub)
	}
	return boolean(m != e.neg)
}

func (e *inExpr) eval(r *row) value {
	x := e.x.eval(r)
	if x.k == kNull {
		return boolean(false)
	}
	for _, it := range e.list {
		if c, ok := compare(x, it.eval(r)); ok && c == 0 {
			return boolean(!e.neg)
		}
	}
	return boolean(e.neg)
}

func (e *call) eval(r *row) value { return e.fn(r, e.args) }

// function is a scalar function: its arity and body.
type function struct {
	min, max int // max < 0: variadic
	eval     func(r *row, args []expr) value
}

func (f function) arity() string {
	switch {
	case f.min == f.max:
		return formatNum(float64(f.min))
	case f.max < 0:
		return "at least " + formatNum(float64(f.min))
	}
	return formatNum(float64(f.min)) + " to " + formatNum(float64(f.max))
}

func strFn(g func(string) string) function {
	return function{1, 1, func(r *row, a []expr) value {
		v := a[0].eval(r)
		if v.k == kNull {
			return null
		}
		return str(g(v.String()))
	}}
}

func numFn(g func(float64) float64) function {
	return function{1, 1, func(r *row, a []expr) value {
		f, ok := a[0].eval(r).number()
		if !ok {
			return null
		}
		return num(g(f))
	}}
}

// floorTime floors a time (ms) to a multiple of period (ms).
func floorTime(r *row, t, period expr) value {
	ms, ok1 := t.eval(r).number()
	p, ok2 := period.eval(r).number()
	if !ok1 || !ok2 || p <= 0 {
		return null
	}
	return timeMs(math.Floor(ms/p) * p)
}

var functions map[string]function

func init() {
	functions = map[string]function{
		"ispresent": {1, 1, func(r *row, a []expr) value { return boolean(a[0].eval(r).k != kNull) }},
		"isempty": {1, 1, func(r *row, a []expr) value {
			v := a[0].eval(r)
			return boolean(v.k == kNull || v.String() == "")
		}},
		"isblank": {1, 1, func(r *row, a []expr) value {
			v := a[0].eval(r)
			return boolean(v.k == kNull || strings.TrimSpace(v.String()) == "")
		}},
		"strlen": {1, 1, func(r *row, a []expr) value {
			v := a[0].eval(r)
			if v.k == kNull {
				return null
			}
			return num(float64(len([]rune(v.String()))))
		}},
		"tolower": strFn(strings.ToLower),
		"toupper": strFn(strings.ToUpper),
		"trim":    strFn(strings.TrimSpace),
		"ltrim":   strFn(func(s string) string { return strings.TrimLeft(s, " \t\r\n") }),
		"rtrim":   strFn(func(s string) string { return strings.TrimRight(s, " \t\r\n") }),
		"concat": {1, -1, func(r *row, a []expr) value {
			var b strings.Builder
			for _, e := range a {
				b.WriteString(e.eval(r).String())
			}
			return str(b.String())
		}},
		"strcontains": {2, 2, func(r *row, a []expr) value {
			v := a[0].eval(r)
			return boolean(v.k != kNull && strings.Contains(v.String(), a[1].eval(r).String()))
		}},
		"replace": {3, 3, func(r *row, a []expr) value {
			v := a[0].eval(r)
			if v.k == kNull {
				return null
			}
			return str(strings.ReplaceAll(v.String(), a[1].eval(r).String(), a[2].eval(r).String()))
		}},
		"abs":   numFn(math.Abs),
		"ceil":  numFn(math.Ceil),
		"floor": numFn(math.Floor),
		"bin": {1, 1, func(r *row, a []expr) value {
			return floorTime(r, &fieldRef{name: "@timestamp"}, a[0])
		}},
		"datefloor": {2, 2, func(r *row, a []expr) value { return floorTime(r, a[0], a[1]) }},
		"tomillis": {1, 1, func(r *row, a []expr) value {
			f, ok := a[0].eval(r).number()
			if !ok {
				return null
			}
			return num(f)
		}},
		"frommillis": {1, 1, func(r *row, a []expr) value {
			f, ok := a[0].eval(r).number()
			if !ok {
				return null
			}
			return timeMs(f)
		}},
	}
}
