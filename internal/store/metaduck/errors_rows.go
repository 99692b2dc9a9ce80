package metaduck

import (
	"strings"
	"time"

	"lookout/internal/model"
)

// itemColumns lists err_items' columns in table order; itemArgs and
// scanItem follow it.
const itemColumns = `id, project, project_id, counter, fingerprint, title, level, status, environment,
	environments, platform, framework, first_occurrence_id, first_seen_ns, last_occurrence_id,
	last_seen_ns, total, last_activated_ns, last_resolved_ns, resolved_in_version,
	activating_occurrence_id, level_lock, title_lock, notifier_level`

func itemArgs(it *model.Item) []any {
	return []any{it.ID, it.Project, it.ProjectID, it.Counter, it.Fingerprint, it.Title, int8(it.Level),
		string(it.Status), it.Environment, joinEnvs(it.Environments), it.Platform, it.Framework,
		it.FirstOccurrenceID, nanos(it.FirstSeen), it.LastOccurrenceID, nanos(it.LastSeen),
		it.TotalOccurrences, nanos(it.LastActivated), nanos(it.LastResolved), it.ResolvedInVersion,
		it.ActivatingOccurrenceID, it.LevelLock, it.TitleLock, it.NotifierLevel}
}

type scanner interface{ Scan(dest ...any) error }

func scanItem(r scanner) (model.Item, error) {
	var it model.Item
	var level int8
	var status, envs string
	var first, last, activated, resolved int64
	err := r.Scan(&it.ID, &it.Project, &it.ProjectID, &it.Counter, &it.Fingerprint, &it.Title, &level,
		&status, &it.Environment, &envs, &it.Platform, &it.Framework, &it.FirstOccurrenceID, &first,
		&it.LastOccurrenceID, &last, &it.TotalOccurrences, &activated, &resolved, &it.ResolvedInVersion,
		&it.ActivatingOccurrenceID, &it.LevelLock, &it.TitleLock, &it.NotifierLevel)
	it.Level, it.Status, it.Environments = model.Level(level), model.ItemStatus(status), splitEnvs(envs)
	it.FirstSeen, it.LastSeen, it.LastActivated, it.LastResolved = fromNanos(first), fromNanos(last), fromNanos(activated), fromNanos(resolved)
	return it, err
}

const occurrenceColumns = `id, project, item_id, uuid, fingerprint, ts_ns, received_ns, environment,
	level, platform, language, framework, code_version, context, title, class, message, trace_id,
	notifier, notifier_level, data`

func scanOccurrence(r scanner) (model.ErrorOccurrence, error) {
	var o model.ErrorOccurrence
	var ts, rcv int64
	var level int8
	var trace, data string
	err := r.Scan(&o.ID, &o.Project, &o.ItemID, &o.UUID, &o.Fingerprint, &ts, &rcv, &o.Environment,
		&level, &o.Platform, &o.Language, &o.Framework, &o.CodeVersion, &o.Context, &o.Title, &o.Class,
		&o.Message, &trace, &o.Notifier, &o.NotifierLevel, &data)
	o.Timestamp, o.Received, o.Level, o.Data = fromNanos(ts), fromNanos(rcv), model.Level(level), []byte(data)
	if trace != "" {
		o.TraceID, _ = model.ParseTraceID(trace)
	}
	return o, err
}

// joinEnvs keeps environments in one column, newline-separated (a newline
// inside a name becomes a space).
func joinEnvs(envs []string) string {
	clean := make([]string, len(envs))
	for i, e := range envs {
		clean[i] = strings.ReplaceAll(e, "\n", " ")
	}
	return strings.Join(clean, "\n")
}

func splitEnvs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func traceIDText(t model.TraceID) string {
	if t.IsZero() {
		return ""
	}
	return t.String()
}
