package loglevel

import (
	"bytes"
	"encoding/json"
	"strings"

	"lookout/internal/model"
)

// FromMessage reads the severity a log message states, the first of:
//   - a JSON object's top-level level, levelname, severity or log.level field
//     (or log: {level}), keys in any case, values a level name (any case) or,
//     for level, a pino/bunyan number;
//   - AWS Lambda's Node.js line: time, request id, LEVEL, message, tab-separated;
//   - the first word, after at most three leading timestamp words (words
//     starting with a digit, or "[" and a digit): "[error]" or "[ERROR]:" in
//     any case, or an upper-case "ERROR", "ERROR:" or "ERROR:root:..."
//     (Python's default format); a mixed-case bare word ("Error connecting")
//     is left alone, as prose;
//   - a logfmt level=error (or level="error") anywhere in the line.
//
// Text is the level as written, without brackets, quotes or colons.
func FromMessage(msg string) (Severity, bool) {
	s := strings.TrimLeft(msg, " \t\r\n")
	if strings.HasPrefix(s, "{") {
		if sev, ok := fromJSON(s); ok {
			return sev, true
		}
	}
	if f := strings.SplitN(s, "\t", 4); len(f) == 4 && isStamp(f[0]) {
		if sev, ok := word(f[2]); ok {
			return sev, true
		}
	}
	rest := s
	for range 4 {
		tok, after, _ := strings.Cut(rest, " ")
		if t, a, ok := strings.Cut(tok, "\t"); ok {
			tok, after = t, a+" "+after
		}
		if sev, ok := word(tok); ok {
			return sev, true
		}
		if !isStamp(tok) {
			break
		}
		rest = strings.TrimLeft(after, " \t")
	}
	return logfmtLevel(s)
}

// isStamp tells a word that starts a timestamp: a digit, or "[" and a digit.
func isStamp(tok string) bool {
	tok = strings.TrimPrefix(tok, "[")
	return tok != "" && tok[0] >= '0' && tok[0] <= '9'
}

// word reads one word as a level: bracketed in any case, else upper-case,
// with a colon and what follows it dropped.
func word(tok string) (Severity, bool) {
	if inner, ok := strings.CutPrefix(tok, "["); ok {
		inner, _, closed := strings.Cut(inner, "]")
		if !closed {
			return Severity{}, false
		}
		return named(inner)
	}
	name, _, _ := strings.Cut(tok, ":")
	if name == "" || name != strings.ToUpper(name) {
		return Severity{}, false
	}
	return named(name)
}

func named(name string) (Severity, bool) {
	if n, ok := Number(name); ok {
		return Severity{Number: n, Text: name}, true
	}
	return Severity{}, false
}

// logfmtLevel finds the first level= key of a logfmt line.
func logfmtLevel(s string) (Severity, bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], "level=")
		if j < 0 {
			return Severity{}, false
		}
		at := i + j
		if at == 0 || s[at-1] == ' ' || s[at-1] == '\t' {
			v := s[at+len("level="):]
			if strings.HasPrefix(v, `"`) {
				v, _, _ = strings.Cut(v[1:], `"`)
			} else if k := strings.IndexAny(v, " \t"); k >= 0 {
				v = v[:k]
			}
			return named(v)
		}
		i = at + len("level=")
	}
}

// fromJSON reads the level fields of a JSON object message. Only objects
// naming a level or severity key are decoded, and only one level deep.
func fromJSON(s string) (Severity, bool) {
	if !strings.Contains(s, "evel") && !strings.Contains(s, "EVEL") && !strings.Contains(s, "everity") && !strings.Contains(s, "EVERITY") {
		return Severity{}, false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &top) != nil {
		return Severity{}, false
	}
	var fields []model.KeyValue
	for k, raw := range top {
		switch strings.ToLower(k) {
		case "level", "levelname", "severity", "log.level":
			fields = append(fields, model.KeyValue{Key: strings.ToLower(k), Value: scalar(raw)})
		case "log":
			var nested map[string]json.RawMessage
			if json.Unmarshal(raw, &nested) == nil {
				for nk, nraw := range nested {
					if strings.EqualFold(nk, "level") {
						fields = append(fields, model.KeyValue{Key: "log", Value: model.MapValue(model.KeyValue{Key: "level", Value: scalar(nraw)})})
					}
				}
			}
		}
	}
	// Map order is random: read the fields in levelKeys' order.
	sortFields(fields)
	return FromValue(model.MapValue(fields...))
}

// scalar decodes a JSON string or integer; anything else is empty.
func scalar(raw json.RawMessage) model.Value {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return model.StringValue(s)
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return model.IntValue(n)
	}
	return model.Value{}
}

// sortFields orders fields as levelKeys, then log.
func sortFields(fs []model.KeyValue) {
	rank := func(k string) int {
		for i, lk := range levelKeys {
			if k == lk {
				return i
			}
		}
		return len(levelKeys)
	}
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && rank(fs[j].Key) < rank(fs[j-1].Key); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}
