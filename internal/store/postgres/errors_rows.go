package postgres

import (
	"strings"
	"unicode/utf8"

	"lookout/internal/model"
)

// itemColumns lists err_items' columns in table order; itemArgs and
// scanItem follow it.
const itemColumns = `id, project, project_id, counter, fingerprint, title, level, status, environment,
	environments, platform, framework, first_occurrence_id, first_seen_ns, last_occurrence_id,
	last_seen_ns, total, last_activated_ns, last_resolved_ns, resolved_in_version,
	activating_occurrence_id, level_lock, title_lock, notifier_level`

// itemArgs is it in itemColumns' order, its text made storable.
func itemArgs(it *model.Item) []any {
	envs := make([]string, len(it.Environments))
	for i, e := range it.Environments {
		envs[i] = clean(e)
	}
	return []any{it.ID, clean(it.Project), it.ProjectID, it.Counter, clean(it.Fingerprint), clean(it.Title),
		int16(it.Level), string(it.Status), clean(it.Environment), envs, clean(it.Platform), clean(it.Framework),
		it.FirstOccurrenceID, nanos(it.FirstSeen), it.LastOccurrenceID, nanos(it.LastSeen),
		it.TotalOccurrences, nanos(it.LastActivated), nanos(it.LastResolved), clean(it.ResolvedInVersion),
		it.ActivatingOccurrenceID, it.LevelLock, it.TitleLock, clean(it.NotifierLevel)}
}

type scanner interface{ Scan(dest ...any) error }

func scanItem(r scanner) (model.Item, error) {
	var it model.Item
	var level int16
	var status string
	var first, last, activated, resolved int64
	err := r.Scan(&it.ID, &it.Project, &it.ProjectID, &it.Counter, &it.Fingerprint, &it.Title, &level,
		&status, &it.Environment, &it.Environments, &it.Platform, &it.Framework, &it.FirstOccurrenceID, &first,
		&it.LastOccurrenceID, &last, &it.TotalOccurrences, &activated, &resolved, &it.ResolvedInVersion,
		&it.ActivatingOccurrenceID, &it.LevelLock, &it.TitleLock, &it.NotifierLevel)
	it.Level, it.Status = model.Level(level), model.ItemStatus(status)
	if len(it.Environments) == 0 {
		it.Environments = nil
	}
	it.FirstSeen, it.LastSeen, it.LastActivated, it.LastResolved = fromNanos(first), fromNanos(last), fromNanos(activated), fromNanos(resolved)
	return it, err
}

// occurrenceColumns lists err_occurrences' columns in table order;
// occurrenceArgs and scanOccurrence follow it.
const occurrenceColumns = `id, project, item_id, uuid, fingerprint, ts_ns, received_ns, environment,
	level, platform, language, framework, code_version, context, title, class, message, trace_id,
	notifier, notifier_level, data`

func occurrenceArgs(o *model.ErrorOccurrence) []any {
	data := []byte(o.Data)
	if data == nil {
		data = []byte{}
	}
	return []any{o.ID, clean(o.Project), o.ItemID, clean(o.UUID), clean(o.Fingerprint), nanos(o.Timestamp),
		nanos(o.Received), clean(o.Environment), int16(o.Level), clean(o.Platform), clean(o.Language),
		clean(o.Framework), clean(o.CodeVersion), clean(o.Context), clean(o.Title), clean(o.Class),
		clean(o.Message), traceIDText(o.TraceID), clean(o.Notifier), clean(o.NotifierLevel), data}
}

func scanOccurrence(r scanner) (model.ErrorOccurrence, error) {
	var o model.ErrorOccurrence
	var ts, rcv int64
	var level int16
	var trace string
	var data []byte
	err := r.Scan(&o.ID, &o.Project, &o.ItemID, &o.UUID, &o.Fingerprint, &ts, &rcv, &o.Environment,
		&level, &o.Platform, &o.Language, &o.Framework, &o.CodeVersion, &o.Context, &o.Title, &o.Class,
		&o.Message, &trace, &o.Notifier, &o.NotifierLevel, &data)
	o.Timestamp, o.Received, o.Level, o.Data = fromNanos(ts), fromNanos(rcv), model.Level(level), data
	if trace != "" {
		o.TraceID, _ = model.ParseTraceID(trace)
	}
	return o, err
}

func traceIDText(t model.TraceID) string {
	if t.IsZero() {
		return ""
	}
	return t.String()
}

// clean makes s storable as PostgreSQL text, which holds neither NUL nor
// invalid UTF-8 (both can come in a client's payload): each becomes
// U+FFFD. Keys (fingerprints, uuids) go through it too, so that lookups
// and writes agree.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
