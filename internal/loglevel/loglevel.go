// Package loglevel derives a log record's severity from what the record
// itself says when its sender gave none: a CloudWatch Logs message is bare
// text, and an OTLP record may leave its severity number unset while its body
// reads {"level":"error",...} or "ERROR payment failed". The numbers are the
// OpenTelemetry log data model's (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR
// 17, FATAL 21), mapped from other logging systems' names as its appendix B
// does.
package loglevel

import (
	"strings"

	"lookout/internal/model"
)

// Severity is a severity number (1..24) and the text it was read from, as
// written at the source ("error", "WARNING", or the short name of a numeric
// level such as pino's 50, "ERROR").
type Severity struct {
	Number int32
	Text   string
}

// names maps level names, lower-cased, to severity numbers. CRITICAL is the
// top level of Python's logging and of .NET's, which the data model maps to
// FATAL; syslog's alert and zap's panic are ERROR3, zap's dpanic ERROR2,
// syslog's notice INFO2.
var names = map[string]int32{
	"trace": 1,
	"debug": 5, "verbose": 5,
	"info": 9, "information": 9, "informational": 9,
	"notice": 10,
	"warn":   13, "warning": 13,
	"error": 17, "err": 17, "severe": 17,
	"dpanic": 18,
	"alert":  19, "panic": 19,
	"fatal": 21, "critical": 21, "crit": 21, "emerg": 21, "emergency": 21,
}

// Number maps a level name (any case) to its severity number: the names
// above, and the data model's short names with a step 2-4 ("INFO3" is 11).
func Number(name string) (int32, bool) {
	lower := strings.ToLower(strings.TrimSpace(name))
	if n, ok := names[lower]; ok {
		return n, true
	}
	if k := len(lower); k > 1 && lower[k-1] >= '2' && lower[k-1] <= '4' {
		switch base := lower[:k-1]; base {
		case "trace", "debug", "info", "warn", "error", "fatal":
			return names[base] + int32(lower[k-1]-'1'), true
		}
	}
	return 0, false
}

// shortNames are the data model's names of the first number of each range.
var shortNames = map[int32]string{1: "TRACE", 5: "DEBUG", 9: "INFO", 13: "WARN", 17: "ERROR", 21: "FATAL"}

// Fill sets l's severity when its sender set no severity number. A severity
// text the sender set decides alone (its number when it is a known name);
// otherwise the body (a JSON or plain-text message, or a map) and then an
// attribute named level, levelname, severity or log.level are read. Nothing
// the sender set is changed, the body included.
func Fill(l *model.LogEvent) {
	if l.SeverityNumber != 0 {
		return
	}
	if l.SeverityText != "" {
		if n, ok := Number(l.SeverityText); ok {
			l.SeverityNumber = n
		}
		return
	}
	sev, ok := FromValue(l.Body)
	if !ok {
		sev, ok = fromFields(func(key string) (model.Value, bool) { return l.Attributes.Get(key) })
	}
	if ok {
		l.SeverityNumber, l.SeverityText = sev.Number, sev.Text
	}
}

// FromValue reads the severity a log body states: a string as FromMessage
// does, a map by its level fields.
func FromValue(v model.Value) (Severity, bool) {
	switch v.Kind {
	case model.KindString:
		return FromMessage(v.Str)
	case model.KindMap:
		get := func(key string) (model.Value, bool) { return lookup(v.Map, key) }
		if sev, ok := fromFields(get); ok {
			return sev, true
		}
		if lg, ok := get("log"); ok && lg.Kind == model.KindMap { // {"log": {"level": ...}}, ECS nested
			return fromFields(func(key string) (model.Value, bool) {
				if key != "level" {
					return model.Value{}, false
				}
				return lookup(lg.Map, key)
			})
		}
	}
	return Severity{}, false
}

// lookup finds a key in a map body, ignoring case.
func lookup(kvs []model.KeyValue, key string) (model.Value, bool) {
	for _, kv := range kvs {
		if strings.EqualFold(kv.Key, key) {
			return kv.Value, true
		}
	}
	return model.Value{}, false
}

// levelKeys are the fields that name a record's level, in the order read.
var levelKeys = []string{"level", "levelname", "severity", "log.level"}

// fromFields reads the first level field that holds a known level name, or,
// for "level", one of pino's and bunyan's numbers (10 trace ... 60 fatal).
func fromFields(get func(key string) (model.Value, bool)) (Severity, bool) {
	for _, key := range levelKeys {
		v, ok := get(key)
		if !ok {
			continue
		}
		switch v.Kind {
		case model.KindString:
			if n, ok := Number(v.Str); ok {
				return Severity{Number: n, Text: v.Str}, true
			}
		case model.KindInt:
			if key == "level" {
				if n, ok := numericLevel(v.Int); ok {
					return Severity{Number: n, Text: shortNames[n]}, true
				}
			}
		case model.KindDouble:
			if key == "level" && v.Double == float64(int64(v.Double)) {
				if n, ok := numericLevel(int64(v.Double)); ok {
					return Severity{Number: n, Text: shortNames[n]}, true
				}
			}
		}
	}
	return Severity{}, false
}

// numericLevel maps pino's and bunyan's numeric levels.
func numericLevel(n int64) (int32, bool) {
	switch n {
	case 10:
		return 1, true
	case 20:
		return 5, true
	case 30:
		return 9, true
	case 40:
		return 13, true
	case 50:
		return 17, true
	case 60:
		return 21, true
	}
	return 0, false
}
