package traceql

import (
	"strconv"
	"strings"
)

// Metrics is the stage that makes a query a metrics query: `rate()`,
// `count_over_time()`, `min_over_time(field)` (also max, avg, sum and
// histogram), `quantile_over_time(field, .5, .99)`, each with an optional
// `by(field, ...)`.
type Metrics struct {
	Name      string
	Field     *Field
	Quantiles []float64
	By        []Field
	Pos       int
}

// Hint is one `with(name = value)` query hint.
type Hint struct {
	Name  string
	Value Value
}

func (*Metrics) stage() {}

// metricsArgs says what each metrics function takes: nothing, a field, or
// a field and quantiles. compare(), topk() and bottomk() are read as
// other functions (Func) and refused by name.
var metricsArgs = map[string]string{
	"rate": "", "count_over_time": "",
	"min_over_time": "field", "max_over_time": "field", "avg_over_time": "field", "sum_over_time": "field",
	"histogram_over_time": "field", "quantile_over_time": "quantiles",
}

// metrics reads the rest of a metrics function after its name and "(".
func (p *parser) metrics(name token) (*Metrics, error) {
	m := &Metrics{Name: name.text, Pos: name.pos}
	if args := metricsArgs[name.text]; args != "" {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		m.Field = &f
		for args == "quantiles" && p.peek().is(tPunct, ",") {
			p.next()
			q, err := p.quantile()
			if err != nil {
				return nil, err
			}
			m.Quantiles = append(m.Quantiles, q)
		}
		if args == "quantiles" && len(m.Quantiles) == 0 {
			return nil, errorf(p.peek().pos, "quantile_over_time takes a field and at least one quantile, such as .99")
		}
	}
	if err := p.expect(tPunct, ")"); err != nil {
		return nil, err
	}
	if t := p.peek(); t.is(tWord, "by") {
		p.next()
		if err := p.expect(tPunct, "("); err != nil {
			return nil, err
		}
		var err error
		if m.By, err = p.fieldsClosed(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// quantile reads a number in [0, 1]; `.99` lexes as an attribute named 99.
func (p *parser) quantile() (float64, error) {
	t := p.next()
	var q float64
	switch {
	case t.kind == tInt:
		q = float64(t.num.Int)
	case t.kind == tFloat:
		q = t.num.Float
	case t.kind == tAttr && t.scope == "" && t.name != "" && strings.Trim(t.name, "0123456789") == "":
		q, _ = strconv.ParseFloat("0."+t.name, 64)
	default:
		return 0, errorf(t.pos, "want a quantile such as .99, got %s", t.describe())
	}
	if q < 0 || q > 1 {
		return 0, errorf(t.pos, "quantile %s is not within 0..1", t.text)
	}
	return q, nil
}

// hints reads `with(name = value, ...)`.
func (p *parser) hints() ([]Hint, error) {
	p.next() // with
	if err := p.expect(tPunct, "("); err != nil {
		return nil, err
	}
	var hs []Hint
	for {
		t := p.next()
		if t.kind != tWord {
			return nil, errorf(t.pos, "want a hint name, got %s", t.describe())
		}
		if err := p.expect(tOp, "="); err != nil {
			return nil, err
		}
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		hs = append(hs, Hint{Name: t.text, Value: v})
		if !p.peek().is(tPunct, ",") {
			break
		}
		p.next()
	}
	return hs, p.expect(tPunct, ")")
}

// metricsString writes a metrics stage as TraceQL does.
func metricsString(m *Metrics) string {
	s := m.Name + "("
	if m.Field != nil {
		s += m.Field.String()
	}
	for _, q := range m.Quantiles {
		s += ", " + strconv.FormatFloat(q, 'f', -1, 64)
	}
	s += ")"
	if len(m.By) > 0 {
		s += " by (" + fieldList(m.By) + ")"
	}
	return s
}

// hintsString writes the hints back.
func hintsString(hs []Hint) string {
	if len(hs) == 0 {
		return ""
	}
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.Name + "=" + h.Value.String()
	}
	return " with (" + strings.Join(parts, ", ") + ")"
}
