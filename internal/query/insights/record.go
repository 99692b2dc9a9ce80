package insights

import "strconv"

// Record lists every field of one event as GetLogRecord shows it: the
// system fields (times in epoch milliseconds) and the keys of a JSON
// message, flattened with dots; account is @log's first part.
func Record(ev *Event, account string) map[string]string {
	rw := &row{ev: ev, account: account}
	out := map[string]string{
		"@timestamp":     strconv.FormatInt(ev.TimeMillis, 10),
		"@ingestionTime": strconv.FormatInt(ev.IngestMillis, 10),
		"@message":       ev.Message,
		"@logStream":     ev.Stream,
		"@log":           account + ":" + ev.Group,
	}
	rw.discover()
	for k, v := range rw.json {
		if _, system := out[k]; !system {
			out[k] = v.String()
		}
	}
	return out
}
