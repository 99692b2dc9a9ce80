package sqlbuild

import (
	"lookout/internal/model"
	"lookout/internal/query"
)

// Columns builds the answer of store.Querier's Columns from the counts of
// attribute keys a store reads: the source's fields first, then each key
// once, in the order added (most frequent first), as the first source that
// holds it (a record's attribute before a resource's), with the counts of
// its other sources added.
type Columns struct {
	out  []query.Column
	seen map[string]int // index in out; -1 for a field
}

// NewColumns starts with the fields of src.
func NewColumns(src query.Source) *Columns {
	c := &Columns{out: append([]query.Column{}, query.Fields(src)...), seen: map[string]int{}}
	for _, f := range c.out {
		c.seen[f.Name] = -1
	}
	return c
}

// Sources names the sources of Add: 0 a record's attribute, 1 a
// resource's, 2 a span event's.
var sources = []string{"attribute", "resource", "event"}

// Add counts key of the given source and value kind: n values, card of
// them distinct.
func (c *Columns) Add(source int, key string, kind model.ValueKind, n, card int64) {
	if i, ok := c.seen[key]; ok {
		if i >= 0 {
			c.out[i].Count += n
			c.out[i].Cardinality = max(c.out[i].Cardinality, card)
		}
		return
	}
	c.seen[key] = len(c.out)
	c.out = append(c.out, query.Column{Name: key, Type: columnType(kind),
		Source: sources[min(max(source, 0), len(sources)-1)], Count: n, Cardinality: card})
}

// List returns the columns.
func (c *Columns) List() []query.Column { return c.out }

func columnType(k model.ValueKind) query.Type {
	switch k {
	case model.KindBool:
		return query.TypeBoolean
	case model.KindInt:
		return query.TypeInteger
	case model.KindDouble:
		return query.TypeFloat
	}
	return query.TypeString
}
