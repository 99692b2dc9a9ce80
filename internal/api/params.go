package api

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-logfmt/logfmt"

	"lookout/internal/loglevel"
	"lookout/internal/model"
	"lookout/internal/store"
)

// parseTime reads a point in time. It accepts, as Tempo and Grafana send them:
//   - unix time as an integer, whose size tells its unit: up to 11 digits are
//     seconds (Tempo's unit), 12-14 milliseconds, 15-17 microseconds, more
//     nanoseconds; or as decimal seconds ("1700000000.25");
//   - RFC 3339 ("2025-03-10T10:00:00Z", fractions allowed);
//   - "now", "now-<duration>" or a bare duration ("1h", "15m"), meaning that
//     long before now.
//
// The empty string gives the zero time.
func parseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if s == "now" {
		return now, nil
	}
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q: %w", s, err)
		}
		switch d := len(strings.TrimLeft(s, "0")); {
		case d <= 11:
			return time.Unix(n, 0), nil
		case d <= 14:
			return time.UnixMilli(n), nil
		case d <= 17:
			return time.UnixMicro(n), nil
		default:
			return time.Unix(0, n), nil
		}
	}
	if i := strings.IndexByte(s, '.'); i > 0 && isDigits(s[:i]) && isDigits(s[i+1:]) {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && f < math.MaxInt64/1e9 {
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(math.Round(frac*1e9))), nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	ago := strings.TrimPrefix(s, "now-")
	if d, err := time.ParseDuration(ago); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want unix seconds, RFC 3339 or a duration such as 1h", s)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// window reads the start and end parameters into a half-open window
// [start, end). A missing end is now; an end in unix seconds covers its
// whole second, as Tempo's inclusive end does. A missing start is end minus
// the default window, unless unbounded is set and both are missing, in which
// case both stay zero (no bound). Start must come before end.
func (a *API) window(q url.Values, unbounded bool) (start, end time.Time, err error) {
	now := a.cfg.Now()
	if start, err = parseTime(q.Get("start"), now); err != nil {
		return start, end, badRequest("start", err)
	}
	if end, err = parseTime(q.Get("end"), now); err != nil {
		return start, end, badRequest("end", err)
	}
	shownEnd := end
	if s := q.Get("end"); isDigits(s) && len(strings.TrimLeft(s, "0")) <= 11 {
		end = end.Add(time.Second) // Tempo's end, in whole seconds, is inclusive
	}
	if q.Get("start") == "" && q.Get("end") == "" && unbounded {
		return start, end, nil
	}
	if end.IsZero() {
		end, shownEnd = now, now
	}
	if q.Get("start") == "" {
		start = end.Add(-a.cfg.DefaultSearchWindow)
	}
	if !start.Before(end) {
		return start, end, badRequest("start", fmt.Errorf("%s is not before end %s",
			start.UTC().Format(time.RFC3339Nano), shownEnd.UTC().Format(time.RFC3339Nano)))
	}
	return start, end, nil
}

// limit reads the limit parameter: absent or 0 gives def, values above the
// configured maximum are clamped to it.
func (a *API) limit(q url.Values, def int) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, badRequest("limit", fmt.Errorf("%q: want a non-negative integer", s))
	}
	if n == 0 {
		return def, nil
	}
	return min(n, a.cfg.MaxLimit), nil
}

// parseDuration reads a Go duration such as 100ms; empty gives 0.
func parseDuration(param, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, badRequest(param, fmt.Errorf("%q: want a non-negative duration such as 100ms", s))
	}
	return d, nil
}

// parseTraceID reads a trace id as Tempo does: up to 32 hex characters, left
// padded with zeros when shorter, or an X-Ray id (1-5759e988-bd86...). The
// all-zero id is invalid, as in OTLP.
func parseTraceID(s string) (model.TraceID, error) {
	var id model.TraceID
	switch {
	case strings.HasPrefix(s, "1-"):
		var err error
		if id, err = model.ParseXRayTraceID(s); err != nil {
			return id, err
		}
	case s == "" || len(s) > 32:
		return id, fmt.Errorf("trace id %q: want 1 to 32 hex characters or an x-ray id: %w", s, model.ErrInvalidID)
	default:
		padded := strings.Repeat("0", 32-len(s)) + s
		if _, err := hex.Decode(id[:], []byte(padded)); err != nil {
			return id, fmt.Errorf("trace id %q: not hex: %w", s, model.ErrInvalidID)
		}
	}
	if id.IsZero() {
		return id, fmt.Errorf("trace id %q: all zeros: %w", s, model.ErrInvalidID)
	}
	return id, nil
}

// parseTags reads Tempo's tags parameter: logfmt key=value pairs such as
// `service.name=foo http.status_code=500 name="GET /cart"`. Every key needs
// a non-empty value: logfmt reads `k`, `k=` and `k=""` alike, and a bare
// key is more likely a typo than a search for empty attributes. The status
// key takes unset, ok or error (any case): another value would match nothing.
func parseTags(s string) ([]store.Tag, error) {
	var tags []store.Tag
	dec := logfmt.NewDecoder(strings.NewReader(s))
	for dec.ScanRecord() {
		for dec.ScanKeyval() {
			if dec.Value() == nil {
				return nil, fmt.Errorf("key %q has no value", dec.Key())
			}
			if _, ok := model.ParseStatusCode(string(dec.Value())); string(dec.Key()) == "status" && !ok {
				return nil, fmt.Errorf("status=%q: want unset, ok or error", dec.Value())
			}
			tags = append(tags, store.Tag{Key: string(dec.Key()), Value: string(dec.Value())})
		}
	}
	if err := dec.Err(); err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	return tags, nil
}

// parseSeverity reads a minimum severity: an OTLP severity number 1-24 or a
// level name (case-insensitive) such as WARN, INFO3 or critical, as
// loglevel.Number reads them. Empty gives 0, no filter.
func parseSeverity(s string) (int32, error) {
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 24 {
			return 0, fmt.Errorf("%d: want 1 to 24", n)
		}
		return int32(n), nil
	}
	n, ok := loglevel.Number(s)
	if !ok {
		return 0, fmt.Errorf("%q: want a number 1-24 or a name such as DEBUG, INFO, WARN, ERROR, FATAL", s)
	}
	return n, nil
}

var errBadOrder = errors.New("want asc or desc")

// parseOrder reads asc|desc; empty is desc (newest first).
func parseOrder(s string) (descending bool, err error) {
	switch strings.ToLower(s) {
	case "", "desc":
		return true, nil
	case "asc":
		return false, nil
	}
	return false, fmt.Errorf("%q: %w", s, errBadOrder)
}
