package insights

import (
	"errors"
	"slices"
	"strings"
)

// DefaultLimit is the row cap when neither the query nor the caller sets one.
const DefaultLimit = 10_000

// MaxGroups bounds the groups a stats command may build.
const MaxGroups = 100_000

// ErrTooManyGroups is reported by Run.Err when stats would build more than
// MaxGroups groups.
var ErrTooManyGroups = errors.New("insights: stats produced too many groups")

// Options set what a run needs besides the query.
type Options struct {
	// Limit caps the rows when the query has no limit command (0:
	// DefaultLimit); a limit command takes precedence.
	Limit int
	// Account is the account id shown in @log ("<account>:<group>").
	Account string
}

// Field is one column of a result row. Values are strings, as the
// CloudWatch Logs API reports them; absent values are left out of a row.
type Field struct {
	Name  string
	Value string
}

// Statistics count what a run read: events scanned (and the bytes of
// their messages), and events that passed the query's filters.
type Statistics struct {
	RecordsMatched float64
	RecordsScanned float64
	BytesScanned   float64
}

// Run evaluates a query over events given one at a time with Add. It is
// not safe for concurrent use.
type Run struct {
	q      *Query
	opts   Options
	limit  int
	stats  Statistics
	rows   []sorted          // without stats: kept rows
	groups map[string]*group // with stats
	order  []*group          // groups in first-seen order
	err    error
}

type sorted struct {
	r    *row
	keys []value
}

type group struct {
	by   []value
	accs []acc
}

// NewRun starts an evaluation of q.
func (q *Query) NewRun(o Options) *Run {
	r := &Run{q: q, opts: o, limit: q.limit}
	if r.limit == 0 {
		r.limit = o.Limit
	}
	if r.limit <= 0 || r.limit > MaxLimit {
		r.limit = min(DefaultLimit, MaxLimit)
	}
	if q.stats != nil {
		r.groups = map[string]*group{}
	}
	return r
}

// Add feeds one event. The event is copied if kept.
func (r *Run) Add(ev *Event) {
	r.stats.RecordsScanned++
	r.stats.BytesScanned += float64(len(ev.Message))
	if r.err != nil || r.Done() {
		return
	}
	e := *ev
	rw := &row{ev: &e, account: r.opts.Account}
	for _, s := range r.q.pre {
		if !s.apply(rw) {
			return
		}
	}
	r.stats.RecordsMatched++
	if r.q.stats != nil {
		r.aggregate(rw)
		return
	}
	s := sorted{r: rw}
	for _, k := range r.q.sort {
		s.keys = append(s.keys, k.e.eval(rw))
	}
	r.rows = append(r.rows, s)
	if r.q.sort != nil && len(r.rows) >= 2*r.limit+1024 {
		r.trim()
	}
}

// Done reports whether further events cannot change the rows: the query
// neither sorts nor aggregates and has its rows. Statistics still count.
func (r *Run) Done() bool {
	return r.q.stats == nil && r.q.sort == nil && len(r.rows) >= r.limit
}

// Err reports a run that failed (ErrTooManyGroups).
func (r *Run) Err() error { return r.err }

// Statistics reports the counts so far.
func (r *Run) Statistics() Statistics { return r.stats }

func (r *Run) aggregate(rw *row) {
	st := r.q.stats
	by := make([]value, len(st.by))
	var key strings.Builder
	for i, b := range st.by {
		by[i] = b.e.eval(rw)
		key.WriteByte(byte(by[i].k))
		key.WriteString(by[i].String())
		key.WriteByte(0)
	}
	g := r.groups[key.String()]
	if g == nil {
		if len(r.groups) >= MaxGroups {
			r.err = ErrTooManyGroups
			return
		}
		g = &group{by: by, accs: make([]acc, len(st.aggs))}
		r.groups[key.String()] = g
		r.order = append(r.order, g)
	}
	for i := range st.aggs {
		g.accs[i].add(&st.aggs[i], rw)
	}
}

// trim sorts the kept rows and drops those past the limit.
func (r *Run) trim() {
	slices.SortStableFunc(r.rows, func(a, b sorted) int {
		for i, k := range r.q.sort {
			c := sortCompare(a.keys[i], b.keys[i])
			if k.desc && a.keys[i].k != kNull && b.keys[i].k != kNull {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	if len(r.rows) > r.limit {
		clear(r.rows[r.limit:])
		r.rows = r.rows[:r.limit]
	}
}

// Results computes the rows: sorted, limited, each with its columns.
// Event rows carry @ptr.
func (r *Run) Results() [][]Field {
	if r.q.stats != nil {
		r.rows = r.statRows()
		if r.q.sort != nil {
			for i := range r.rows {
				for _, k := range r.q.sort {
					r.rows[i].keys = append(r.rows[i].keys, k.e.eval(r.rows[i].r))
				}
			}
		}
	}
	r.trim()
	out := make([][]Field, 0, len(r.rows))
	for _, s := range r.rows {
		out = append(out, r.fields(s.r))
	}
	return out
}

// statRows turns the groups into rows (by columns, then aggregates) and
// applies the stages after stats. Without sort, groups are ordered by
// their by values.
func (r *Run) statRows() []sorted {
	st := r.q.stats
	if len(st.by) == 0 && len(r.order) == 0 {
		r.order = append(r.order, &group{accs: make([]acc, len(st.aggs))})
	}
	if r.q.sort == nil {
		slices.SortStableFunc(r.order, func(a, b *group) int {
			for i := range a.by {
				if c := sortCompare(a.by[i], b.by[i]); c != 0 {
					return c
				}
			}
			return 0
		})
	}
	rows := make([]sorted, 0, len(r.order))
next:
	for _, g := range r.order {
		rw := &row{account: r.opts.Account}
		for i, b := range st.by {
			rw.set(b.name, g.by[i])
		}
		for i := range st.aggs {
			rw.set(st.aggs[i].name, g.accs[i].result(&st.aggs[i]))
		}
		for _, s := range r.q.post {
			if !s.apply(rw) {
				continue next
			}
		}
		rows = append(rows, sorted{r: rw})
	}
	return rows
}

// columns lists the fields a row shows.
func (r *Run) columns(rw *row) []string {
	switch {
	case r.q.display != nil:
		return r.q.display
	case r.q.stats != nil:
		var cols []string
		for _, b := range r.q.stats.by {
			cols = appendNew(cols, b.name)
		}
		for _, a := range r.q.stats.aggs {
			cols = appendNew(cols, a.name)
		}
		for _, c := range r.q.columns {
			cols = appendNew(cols, c)
		}
		return cols
	case r.q.columns != nil:
		return r.q.columns
	}
	return rw.all()
}

func (r *Run) fields(rw *row) []Field {
	cols := r.columns(rw)
	out := make([]Field, 0, len(cols)+1)
	for _, c := range cols {
		if v := rw.get(c); v.k != kNull {
			out = append(out, Field{c, v.String()})
		}
	}
	if rw.ev != nil && rw.ev.Ptr != "" {
		out = append(out, Field{"@ptr", rw.ev.Ptr})
	}
	return out
}
