package xrayfilter

// Group keywords: `group.name = "x"` and `group.arn = "arn:…"` hold for the
// traces of a group, those its own filter expression selects; != is their
// negation. They select whole traces, so Parse refuses them inside
// service() or edge(). Only the caller knows the groups: it replaces them
// with Resolve before Match or Compile, which take a group left in for one
// that holds for no trace.
const (
	GroupName = "group.name"
	GroupARN  = "group.arn"
)

// HasGroups reports whether e names a group.
func HasGroups(e Expr) bool {
	found := false
	walk(e, func(c *Cmp) {
		found = found || c.kind == kGroup
	})
	return found
}

// walk calls f with every comparison of e.
func walk(e Expr, f func(*Cmp)) {
	switch e := e.(type) {
	case *And:
		walk(e.L, f)
		walk(e.R, f)
	case *Or:
		walk(e.L, f)
		walk(e.R, f)
	case *Not:
		walk(e.X, f)
	case *Service:
		walk(e.Inner, f)
	case *Edge:
		walk(e.Inner, f)
	case *Cmp:
		f(e)
	}
}

// Resolve returns e with each group comparison replaced by the filter of
// the group it names: lookup(key, name or ARN) returns that filter (nil:
// the group holds every trace) or an error, which Resolve returns. The
// parts of e without a group are shared, not copied.
func Resolve(e Expr, lookup func(key, value string) (Expr, error)) (Expr, error) {
	switch x := e.(type) {
	case *And:
		l, r, err := resolve2(x.L, x.R, lookup)
		if err != nil || (l == x.L && r == x.R) {
			return e, err
		}
		return &And{l, r}, nil
	case *Or:
		l, r, err := resolve2(x.L, x.R, lookup)
		if err != nil || (l == x.L && r == x.R) {
			return e, err
		}
		return &Or{l, r}, nil
	case *Not:
		in, err := Resolve(x.X, lookup)
		if err != nil || in == x.X {
			return e, err
		}
		return &Not{in}, nil
	case *Cmp:
		if x.kind != kGroup {
			return e, nil
		}
		g, err := lookup(x.Key, x.Values[0].Str)
		if err != nil {
			return nil, err
		}
		if g == nil {
			g = &Service{} // a trace has a node: every trace
		}
		if x.Op == "!=" {
			return &Not{g}, nil
		}
		return g, nil
	}
	return e, nil // service() and edge() hold no group (Parse refuses them there)
}

func resolve2(l, r Expr, lookup func(key, value string) (Expr, error)) (Expr, Expr, error) {
	l2, err := Resolve(l, lookup)
	if err != nil {
		return nil, nil, err
	}
	r2, err := Resolve(r, lookup)
	return l2, r2, err
}
