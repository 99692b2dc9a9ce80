package rollbar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"lookout/internal/errortrack"
	"lookout/internal/model"
)

// payloadError is a report that cannot be accepted; status is 400 (not
// JSON) or 422 (JSON, but not a valid item), msg names the field.
type payloadError struct {
	status int
	msg    string
}

func (e *payloadError) Error() string { return e.msg }

func invalid(format string, args ...any) *payloadError {
	return &payloadError{status: 422, msg: fmt.Sprintf(format, args...)}
}

// envelope is the top level of a POST /api/1/item/ body.
type envelope struct {
	AccessToken string          `json:"access_token"`
	Data        json.RawMessage `json:"data"`
}

// wireData holds the fields of `data` that Lookout reads; everything else
// is kept in the raw JSON.
type wireData struct {
	Environment *string         `json:"environment"`
	Body        *wireBody       `json:"body"`
	Level       string          `json:"level"`
	Timestamp   *float64        `json:"timestamp"`
	Platform    string          `json:"platform"`
	Language    string          `json:"language"`
	Framework   string          `json:"framework"`
	CodeVersion string          `json:"code_version"`
	Context     string          `json:"context"`
	Title       string          `json:"title"`
	UUID        string          `json:"uuid"`
	Fingerprint string          `json:"fingerprint"`
	Request     *wireRequest    `json:"request"`
	Server      map[string]any  `json:"server"`
	Client      map[string]any  `json:"client"`
	Custom      map[string]any  `json:"custom"`
	Notifier    map[string]any  `json:"notifier"`
	Person      json.RawMessage `json:"person"`
}

type wireRequest struct {
	Headers map[string]any `json:"headers"`
}

type wireBody struct {
	Trace       json.RawMessage `json:"trace"`
	TraceChain  json.RawMessage `json:"trace_chain"`
	Message     json.RawMessage `json:"message"`
	CrashReport json.RawMessage `json:"crash_report"`
}

type wireTrace struct {
	Frames    *[]wireFrame   `json:"frames"`
	Exception *wireException `json:"exception"`
}

type wireFrame struct {
	Filename string `json:"filename"`
	Method   string `json:"method"`
}

type wireException struct {
	Class   string `json:"class"`
	Message string `json:"message"`
}

// Field limits from Rollbar's item reference.
const (
	maxEnvironment = 255
	maxUUID        = 36
	maxCodeVersion = 40
)

// decodeEnvelope parses a JSON body into its token and raw data.
func decodeEnvelope(body []byte) (envelope, error) {
	var env envelope
	if !utf8.Valid(body) {
		// JSON is UTF-8 (RFC 8259); no store keeps the other bytes.
		return env, &payloadError{status: 400, msg: fmt.Sprintf("invalid JSON: not valid UTF-8 at byte %d", invalidUTF8At(body))}
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return env, &payloadError{status: 400, msg: "invalid JSON: " + describe(err, "")}
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		return env, invalid("data is required")
	}
	return env, nil
}

// invalidUTF8At is the offset of the first byte of b that is not valid UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// decodeData turns a payload's `data` object into an occurrence of project
// received at now, and the event it is grouped by (errortrack computes the
// fingerprint from it). Errors are *payloadError naming the field.
func decodeData(raw json.RawMessage, project string, now time.Time) (*model.ErrorOccurrence, errortrack.Event, error) {
	var d wireData
	var ev errortrack.Event
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, ev, invalid("%s", describe(err, "data"))
	}
	if d.Environment == nil || strings.TrimSpace(*d.Environment) == "" {
		return nil, ev, invalid("data.environment is required")
	}
	if n := utf8.RuneCountInString(*d.Environment); n > maxEnvironment {
		return nil, ev, invalid("data.environment: at most %d characters, got %d", maxEnvironment, n)
	}
	if len(d.UUID) > maxUUID {
		return nil, ev, invalid("data.uuid: at most %d characters, got %d", maxUUID, len(d.UUID))
	}
	if d.Body == nil {
		return nil, ev, invalid("data.body is required")
	}
	ev, defLevel, err := decodeBody(d.Body)
	if err != nil {
		return nil, ev, err
	}
	ev.Custom = d.Fingerprint
	occ := &model.ErrorOccurrence{
		Project: project, UUID: d.UUID, Received: now, Timestamp: now,
		Environment: *d.Environment, Level: defLevel, Platform: d.Platform, Language: d.Language,
		Framework: d.Framework, Context: d.Context, Data: raw,
	}
	if d.Level != "" {
		if occ.Level, err = model.ParseLevel(d.Level); err != nil {
			return nil, ev, invalid("data.level: %v", err)
		}
	}
	if d.Timestamp != nil {
		if occ.Timestamp, err = timestamp(*d.Timestamp); err != nil {
			return nil, ev, err
		}
	}
	occ.CodeVersion = firstString(d.CodeVersion, str(d.Server, "code_version"), str(sub(d.Client, "javascript"), "code_version"))
	if len(occ.CodeVersion) > maxCodeVersion {
		return nil, ev, invalid("data.code_version: at most %d characters, got %d", maxCodeVersion, len(occ.CodeVersion))
	}
	if len(ev.Traces) > 0 {
		occ.Class, occ.Message = ev.Traces[0].Class, ev.Traces[0].Message
	} else {
		occ.Message = ev.Message
	}
	occ.Title = errortrack.Truncate(firstString(strings.TrimSpace(d.Title), defaultTitle(ev)), errortrack.MaxTitle)
	if d.Request != nil {
		occ.TraceID = traceIDOf(d.Request.Headers, d.Custom)
	} else {
		occ.TraceID = traceIDOf(nil, d.Custom)
	}
	occ.Notifier = strings.TrimSpace(str(d.Notifier, "name") + " " + str(d.Notifier, "version"))
	occ.NotifierLevel = notifierLevel(d.Notifier)
	if occ.UUID == "" {
		occ.UUID = uuid.NewString()
		occ.Data = withUUID(raw, occ.UUID)
	}
	return occ, ev, nil
}

// decodeBody checks that body holds exactly one of the four kinds and
// returns what grouping needs, with the kind's default level.
func decodeBody(b *wireBody) (errortrack.Event, model.Level, error) {
	var ev errortrack.Event
	var kinds []string
	for _, k := range []struct {
		name string
		raw  json.RawMessage
	}{{"trace", b.Trace}, {"trace_chain", b.TraceChain}, {"message", b.Message}, {"crash_report", b.CrashReport}} {
		if len(k.raw) > 0 && !bytes.Equal(k.raw, []byte("null")) {
			kinds = append(kinds, k.name)
		}
	}
	if len(kinds) != 1 {
		return ev, 0, invalid("data.body: want exactly one of trace, trace_chain, message, crash_report; got %d (%s)",
			len(kinds), strings.Join(kinds, ", "))
	}
	switch kinds[0] {
	case "trace":
		t, err := decodeTrace(b.Trace, "data.body.trace")
		ev.Traces = []errortrack.Trace{t}
		return ev, model.LevelError, err
	case "trace_chain":
		var chain []json.RawMessage
		if err := json.Unmarshal(b.TraceChain, &chain); err != nil {
			return ev, 0, invalid("data.body.trace_chain: want an array of traces")
		}
		if len(chain) == 0 {
			return ev, 0, invalid("data.body.trace_chain: want at least one trace")
		}
		for i, raw := range chain {
			t, err := decodeTrace(raw, fmt.Sprintf("data.body.trace_chain[%d]", i))
			if err != nil {
				return ev, 0, err
			}
			ev.Traces = append(ev.Traces, t)
		}
		return ev, model.LevelError, nil
	case "message":
		var m struct {
			Body *string `json:"body"`
		}
		if err := json.Unmarshal(b.Message, &m); err != nil {
			return ev, 0, invalid("%s", describe(err, "data.body.message"))
		}
		if m.Body == nil {
			return ev, 0, invalid("data.body.message.body is required")
		}
		ev.Message = *m.Body
		return ev, model.LevelInfo, nil
	default:
		var c struct {
			Raw *string `json:"raw"`
		}
		if err := json.Unmarshal(b.CrashReport, &c); err != nil {
			return ev, 0, invalid("%s", describe(err, "data.body.crash_report"))
		}
		if c.Raw == nil {
			return ev, 0, invalid("data.body.crash_report.raw is required")
		}
		ev.CrashReport = *c.Raw
		return ev, model.LevelError, nil
	}
}

func decodeTrace(raw json.RawMessage, path string) (errortrack.Trace, error) {
	var w wireTrace
	if err := json.Unmarshal(raw, &w); err != nil {
		return errortrack.Trace{}, invalid("%s", describe(err, path))
	}
	if w.Frames == nil {
		return errortrack.Trace{}, invalid("%s.frames is required", path)
	}
	if w.Exception == nil || w.Exception.Class == "" {
		return errortrack.Trace{}, invalid("%s.exception.class is required", path)
	}
	t := errortrack.Trace{Class: w.Exception.Class, Message: w.Exception.Message}
	for _, f := range *w.Frames {
		t.Frames = append(t.Frames, errortrack.Frame{Filename: f.Filename, Method: f.Method})
	}
	return t, nil
}

// timestamp reads seconds since the epoch; values beyond year 5000 in
// seconds are taken as milliseconds, which some clients send.
func timestamp(v float64) (time.Time, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return time.Time{}, invalid("data.timestamp: want seconds since the epoch")
	}
	if v > 95617584000 { // 5000-01-01 in seconds
		v /= 1000
	}
	if v > 95617584000 {
		return time.Time{}, invalid("data.timestamp: want seconds since the epoch")
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

func defaultTitle(ev errortrack.Event) string {
	switch {
	case len(ev.Traces) > 0:
		t := ev.Traces[0]
		if t.Message == "" {
			return t.Class
		}
		return t.Class + ": " + t.Message
	case ev.CrashReport != "":
		return "crash report"
	}
	line, _, _ := strings.Cut(ev.Message, "\n")
	return line
}

// notifierLevel finds the minimum level a notifier says it was configured
// to report: notifier.configured_options (rollbar.js, pyrollbar) or
// notifier.diagnostic.configuredOptions (rollbar-go), key reportLevel,
// report_level, minimumLevel, minimum_level or level.
func notifierLevel(n map[string]any) string {
	for _, opts := range []map[string]any{sub(n, "configured_options"), sub(sub(n, "diagnostic"), "configuredOptions")} {
		for _, k := range []string{"reportLevel", "report_level", "minimumLevel", "minimum_level", "level"} {
			if s := str(opts, k); s != "" {
				if l, err := model.ParseLevel(s); err == nil {
					return l.String()
				}
			}
		}
	}
	return ""
}

// withUUID inserts "uuid" as the first member of a JSON object.
func withUUID(raw json.RawMessage, id string) json.RawMessage {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
	out := []byte(`{"uuid":"` + id + `"`)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

func sub(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func firstString(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// describe turns a json error into a message naming the field under root.
func describe(err error, root string) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if root != "" && field != "" {
			field = root + "." + field
		} else if field == "" {
			field = root
		}
		if field == "" {
			return fmt.Sprintf("want %s, got %s", te.Type, te.Value)
		}
		return fmt.Sprintf("%s: want %s, got %s", field, jsonKind(te.Type.String()), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	if root != "" {
		return root + ": " + err.Error()
	}
	return err.Error()
}

func jsonKind(goType string) string {
	switch {
	case goType == "string" || goType == "*string":
		return "a string"
	case strings.Contains(goType, "float") || strings.Contains(goType, "int"):
		return "a number"
	case strings.HasPrefix(goType, "map") || strings.Contains(goType, "wire") || strings.Contains(goType, "struct"):
		return "an object"
	case strings.HasPrefix(goType, "[]") || strings.HasPrefix(goType, "*[]"):
		return "an array"
	}
	return goType
}
