package insights

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// Event is one log event as a query sees it.
type Event struct {
	Group        string // log group name; @log is "<account>:<group>"
	Stream       string // @logStream
	TimeMillis   int64  // @timestamp
	IngestMillis int64  // @ingestionTime
	Message      string // @message
	Ptr          string // @ptr, opaque
}

// maxDiscovered caps the JSON fields discovered per event, as the service
// does (200).
const maxDiscovered = 200

// row is an event with the fields the query computed so far. JSON fields
// of the message are discovered on first use.
type row struct {
	ev      *Event
	account string
	vals    map[string]value
	json    map[string]value
	parsed  bool
}

func (r *row) set(name string, v value) {
	if r.vals == nil {
		r.vals = make(map[string]value, 4)
	}
	r.vals[name] = v
}

// get looks a field up: computed fields first, then system fields, then
// the JSON keys of the message (flattened with dots).
func (r *row) get(name string) value {
	if v, ok := r.vals[name]; ok {
		return v
	}
	if r.ev == nil {
		return null
	}
	if len(name) > 0 && name[0] == '@' {
		switch name {
		case "@timestamp":
			return timeMs(float64(r.ev.TimeMillis))
		case "@message":
			return str(r.ev.Message)
		case "@logStream":
			return str(r.ev.Stream)
		case "@log":
			return str(r.account + ":" + r.ev.Group)
		case "@ingestionTime":
			return timeMs(float64(r.ev.IngestMillis))
		case "@ptr":
			return str(r.ev.Ptr)
		}
	}
	r.discover()
	return r.json[name]
}

// discover flattens the message's JSON object, if it is one, into
// r.json: nested keys joined with '.', array elements by index.
func (r *row) discover() {
	if r.parsed {
		return
	}
	r.parsed = true
	msg := r.ev.Message
	i := 0
	for i < len(msg) && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\n' || msg[i] == '\r') {
		i++
	}
	if i == len(msg) || msg[i] != '{' {
		return
	}
	d := json.NewDecoder(bytes.NewReader([]byte(msg[i:])))
	d.UseNumber()
	var obj map[string]any
	if d.Decode(&obj) != nil {
		return
	}
	r.json = make(map[string]value, len(obj))
	flatten(r.json, "", obj)
}

func flatten(dst map[string]value, prefix string, v any) {
	if len(dst) >= maxDiscovered {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flatten(dst, join(prefix, k), e)
		}
	case []any:
		for i, e := range x {
			flatten(dst, join(prefix, strconv.Itoa(i)), e)
		}
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			dst[prefix] = str(x.String())
			return
		}
		dst[prefix] = value{k: kNum, n: f, s: x.String()}
	case string:
		dst[prefix] = str(x)
	case bool:
		dst[prefix] = boolean(x)
	case nil:
		// JSON null: the field is absent
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// systemFields are listed first, in this order, when a row shows all of
// its fields.
var systemFields = []string{"@timestamp", "@message", "@logStream", "@log"}

// all lists every field of the row: system fields, then discovered and
// computed ones by name.
func (r *row) all() []string {
	r.discover()
	names := append([]string(nil), systemFields...)
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	var rest []string
	for n := range r.json {
		if !seen[n] {
			seen[n] = true
			rest = append(rest, n)
		}
	}
	for n := range r.vals {
		if !seen[n] {
			seen[n] = true
			rest = append(rest, n)
		}
	}
	sortStrings(rest)
	return append(names, rest...)
}

func sortStrings(s []string) { slices.Sort(s) }
