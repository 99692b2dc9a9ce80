package storetest

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode"

	"lookout/internal/model"
)

// TraceQL semantics are data files (testdata/traceql/*.txt), in the manner
// of Prometheus' promqltest: the spans, then queries with the traces they
// select and the spans they match.
//
//	# a comment
//	trace t1
//	  span root service=api name="GET /cart" kind=server start=0ms dur=120ms span.http.status_code=200
//	  span db parent=root service=db name=SELECT kind=client start=10ms dur=50ms status=error message=deadlock
//
//	eval { span.http.status_code = 200 }
//	  t1: root
//
//	eval { span.http.status_code = 404 }
//	  # no trace
//
//	error { status = "error" }
//	  status compares with error, ok or unset
//
//	unsupported { } | count() > 2
//	  the aggregate count()
//
// A span line names the span, then sets its fields: service, name, kind,
// status (unset, ok, error), message (the status message), start and dur
// (offsets from T0), parent (a span of the trace), scope (instrumentation
// scope name); span.<key> and resource.<key> set attributes, typed by how
// the value is written ("text" a string, 12 an integer, 1.5 a double, true
// a boolean; bare text is a string); event=<name> adds an event,
// event.<key> an attribute to the last event. An eval lists the selected
// traces newest first (by their first span's start), each with its matched
// spans in start order; error and unsupported give a piece of the message.

// tqFile is a parsed data file.
type tqFile struct {
	spans  []model.Span
	traces map[model.TraceID]string // trace id → name in the file
	labels map[model.SpanID]string  // span id → name in the file
	cases  []tqCase
}

// tqCase is one eval, error or unsupported block.
type tqCase struct {
	line  int
	kind  string // eval, error, unsupported
	query string
	want  []string // eval: "trace: span span"; error: the message piece
}

func parseTQFile(name, src string) (*tqFile, error) {
	f := &tqFile{traces: map[model.TraceID]string{}, labels: map[model.SpanID]string{}}
	var trace model.TraceID
	var tname string
	var cur *tqCase
	for n, line := range strings.Split(src, "\n") {
		n++
		text := strings.TrimSpace(line)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		indented := line != strings.TrimLeftFunc(line, unicode.IsSpace)
		word, rest, _ := strings.Cut(text, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case !indented && word == "trace":
			cur, tname = nil, rest
			trace = tqTraceID(name, rest)
			f.traces[trace] = rest
		case !indented && (word == "eval" || word == "error" || word == "unsupported"):
			f.cases = append(f.cases, tqCase{line: n, kind: word, query: rest})
			cur = &f.cases[len(f.cases)-1]
		case indented && cur != nil:
			cur.want = append(cur.want, text)
		case indented && word == "span" && tname != "":
			sp, err := parseTQSpan(rest, trace, tname)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, n, err)
			}
			f.spans = append(f.spans, sp)
			f.labels[sp.SpanID] = strings.Fields(rest)[0]
		default:
			return nil, fmt.Errorf("%s:%d: unexpected %q", name, n, text)
		}
	}
	return f, nil
}

// tqTraceID derives a trace id from the file and trace names.
func tqTraceID(file, trace string) model.TraceID {
	h := fnv.New128a()
	h.Write([]byte(file + "\x00" + trace))
	var id model.TraceID
	copy(id[:], h.Sum(nil))
	return id
}

// tqSpanID derives a span id from the trace and span names.
func tqSpanID(trace, span string) model.SpanID {
	h := fnv.New64a()
	h.Write([]byte(trace + "\x00" + span))
	var id model.SpanID
	copy(id[:], h.Sum(nil))
	return id
}

// tqFields splits a span line into words, keeping quoted values whole.
func tqFields(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		i := 0
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if s[i] == '"' {
				q, err := strconv.QuotedPrefix(s[i:])
				if err != nil {
					return nil, fmt.Errorf("bad quoting in %q", s)
				}
				i += len(q)
				continue
			}
			i++
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out, nil
}

func parseTQSpan(line string, trace model.TraceID, tname string) (model.Span, error) {
	words, err := tqFields(line)
	if err != nil || len(words) == 0 {
		return model.Span{}, fmt.Errorf("span line %q: want a name and fields", line)
	}
	sp := model.Span{Project: "p1", TraceID: trace, SpanID: tqSpanID(tname, words[0]), Name: words[0]}
	var start, dur time.Duration
	service := ""
	for _, w := range words[1:] {
		key, raw, ok := strings.Cut(w, "=")
		if !ok {
			return sp, fmt.Errorf("%q: want key=value", w)
		}
		v := tqValue(raw)
		text := v.AsString()
		switch {
		case key == "service":
			service = text
		case key == "name":
			sp.Name = text
		case key == "kind":
			k := map[string]model.SpanKind{"unspecified": 0, "internal": 1, "server": 2, "client": 3, "producer": 4, "consumer": 5}
			kind, ok := k[text]
			if !ok {
				return sp, fmt.Errorf("kind %q", text)
			}
			sp.Kind = kind
		case key == "status":
			code, ok := model.ParseStatusCode(text)
			if !ok {
				return sp, fmt.Errorf("status %q", text)
			}
			sp.StatusCode = code
		case key == "message":
			sp.StatusMessage = text
		case key == "scope":
			sp.Scope.Name = text
		case key == "start" || key == "dur":
			d, err := time.ParseDuration(text)
			if err != nil {
				return sp, fmt.Errorf("%s: %w", key, err)
			}
			if key == "start" {
				start = d
			} else {
				dur = d
			}
		case key == "parent":
			sp.ParentSpanID = tqSpanID(tname, text) // a span of the trace, or one that never came
		case key == "event":
			sp.Events = append(sp.Events, model.SpanEvent{Name: text})
		case strings.HasPrefix(key, "event."):
			if len(sp.Events) == 0 {
				return sp, fmt.Errorf("%s before any event=", key)
			}
			e := &sp.Events[len(sp.Events)-1]
			e.Attributes = append(e.Attributes, model.KeyValue{Key: key[len("event."):], Value: v})
		case strings.HasPrefix(key, "span."):
			sp.Attributes = append(sp.Attributes, model.KeyValue{Key: key[len("span."):], Value: v})
		case strings.HasPrefix(key, "resource."):
			sp.Resource.Attributes = append(sp.Resource.Attributes, model.KeyValue{Key: key[len("resource."):], Value: v})
		default:
			return sp, fmt.Errorf("unknown field %q", key)
		}
	}
	if service != "" {
		sp.Resource.Attributes = append(model.Attributes{str("service.name", service)}, sp.Resource.Attributes...)
	}
	sp.StartUnixNano, sp.EndUnixNano = at(start), at(start+dur)
	return sp, nil
}

// tqValue types a written value: quoted text is a string, then integers,
// doubles, booleans; anything else is a string.
func tqValue(raw string) model.Value {
	if s, err := strconv.Unquote(raw); err == nil {
		return model.StringValue(s)
	}
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return model.IntValue(n)
	}
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		return model.DoubleValue(f)
	}
	if b, err := strconv.ParseBool(raw); err == nil && (raw == "true" || raw == "false") {
		return model.BoolValue(b)
	}
	return model.StringValue(raw)
}
