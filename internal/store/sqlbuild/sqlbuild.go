// Package sqlbuild builds the SQL the SQL telemetry stores (DuckDB and
// ClickHouse) share: conditions with bound arguments, the reads of logs,
// log group events and trace summaries, and the loops that scan results.
// What the two engines spell differently is asked of a Dialect, so each
// store keeps only its own spelling.
package sqlbuild

import (
	"strings"
	"time"
)

// Dialect spells what differs between the SQL engines. Arguments named
// like SQL are fragments to splice (columns, ? marks), never values.
type Dialect interface {
	// Table is what a read of the table (spans, logs, metrics) selects from.
	Table(name string) string
	// Bool spells a constant condition.
	Bool(b bool) string
	// Contains is the condition that text holds sub, case-sensitively.
	Contains(text, sub string) string
	// ContainsFold is Contains ignoring case.
	ContainsFold(text, sub string) string
	// StartsWith is the condition that text starts with prefix.
	StartsWith(text, prefix string) string
	// AttrIs is the condition that the attribute list of prefix ("attr_",
	// "res_") holds value under key.
	AttrIs(prefix, key, value string) string
	// Int64 converts an integer expression to a signed 64-bit integer.
	Int64(expr string) string
	// CountIf counts the rows that meet cond.
	CountIf(cond string) string
	// ArgMin is val of the row with the least (by...) tuple.
	ArgMin(val string, by ...string) string
	// TracesOf narrows a read of spans to the traces with a span meeting
	// hits: what to read from and a condition to add (either may carry
	// arguments; an empty condition adds none).
	TracesOf(spans string, hits Cond) (from, cond Cond)
}

// Cond is a SQL fragment with its bound arguments (? marks, in order).
type Cond struct {
	SQL  string
	Args []any
}

// Where accumulates conditions joined by AND and their arguments.
type Where struct {
	d     Dialect
	conds []string
	args  []any
}

// NewWhere returns an empty Where; it renders as true until a condition
// is added.
func NewWhere(d Dialect) *Where { return &Where{d: d} }

// Add adds a condition and its arguments.
func (w *Where) Add(cond string, args ...any) *Where {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
	return w
}

// AddCond adds c; an empty one adds nothing.
func (w *Where) AddCond(c Cond) *Where {
	if c.SQL == "" {
		return w
	}
	return w.Add(c.SQL, c.Args...)
}

// Window adds col >= start and col < end (as Unix nanoseconds) for the
// bounds that are set.
func (w *Where) Window(col string, start, end time.Time) *Where {
	if !start.IsZero() {
		w.Add(col+" >= ?", start.UnixNano())
	}
	if !end.IsZero() {
		w.Add(col+" < ?", end.UnixNano())
	}
	return w
}

// In adds col IN (values), each value bound.
func (w *Where) In(col string, values []string) *Where {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return w.Add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")+")", args...)
}

// Empty tells whether no condition was added.
func (w *Where) Empty() bool { return len(w.conds) == 0 }

// Args returns the arguments of the conditions, in order.
func (w *Where) Args() []any { return w.args }

// String renders the conditions joined by AND.
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return w.d.Bool(true)
	}
	return strings.Join(w.conds, " AND ")
}

// Cond returns the conditions as one fragment.
func (w *Where) Cond() Cond { return Cond{SQL: w.String(), Args: w.args} }
